// Profiles: list, read, create, update (compare-and-set on the version), delete.
import type { FastifyPluginAsync } from "fastify";
import { AgentError } from "../../../errors";
import { actor } from "../../../plugins/auth";
import { profileJsonSchema } from "@tessera/core";
import {
  announceProfile,
  idParams,
  mustGet,
  mismatch,
  readProfile,
  record,
  stamped,
} from "./shared";
import {
  noContent,
  profileBodySchema,
  profileRecordSchema,
  profileSummarySchema,
  strictValidator,
} from "./schemas";

const routes: FastifyPluginAsync = async (app) => {
  const t = app.tessera;
  const announce = (action: string, id: string, name: string, version: number, by: string) =>
    announceProfile(t, action, id, name, version, by);

  app.get(
    "/profiles",
    {
      schema: {
        response: {
          200: {
            type: "object",
            required: ["profiles"],
            properties: { profiles: { type: "array", items: profileSummarySchema } },
            additionalProperties: true,
          },
        },
      },
    },
    async () => ({
      profiles: t.profiles.list().map((p) => ({
        id: p.id,
        name: p.name,
        version: p.version,
        updatedAt: p.updatedAt,
        updatedBy: p.updatedBy,
        active: p.active,
        fingerprintMismatch: mismatch(t, p.profile),
      })),
    }),
  );

  app.post<{ Body: { profile: unknown } }>(
    "/profiles",
    {
      config: { access: "operator" },
      // No type coercion: a number where an address string belongs is a 400 (see schemas.ts).
      validatorCompiler: strictValidator,
      schema: { body: profileBodySchema, response: { 201: profileRecordSchema } },
    },
    async (req, reply) => {
      const profile = stamped(t, readProfile(req.body.profile, "profile", t.machine.machine));
      const rec = t.profiles.create(profile, actor(req));
      t.audit.record({
        user: actor(req),
        action: "profile.create",
        target: rec.name,
        profileId: rec.id,
        result: "ok",
        detail: "version 1",
      });
      announce("created", rec.id, rec.name, rec.version, actor(req));
      return reply.code(201).send(record(t, rec));
    },
  );

  app.get<{ Params: { id: string } }>(
    "/profiles/:id",
    { schema: { params: idParams, response: { 200: profileRecordSchema } } },
    async (req) => record(t, mustGet(t, req.params.id)),
  );

  app.put<{ Params: { id: string }; Body: { baseVersion: number; profile: unknown } }>(
    "/profiles/:id",
    {
      config: { access: "operator" },
      validatorCompiler: strictValidator,
      schema: {
        params: idParams,
        body: {
          type: "object",
          required: ["baseVersion", "profile"],
          additionalProperties: false,
          properties: { baseVersion: { type: "integer", minimum: 1 }, profile: profileJsonSchema },
        },
        response: { 200: profileRecordSchema },
      },
    },
    async (req) => {
      const { id } = req.params;
      const profile = stamped(t, readProfile(req.body.profile, "profile", t.machine.machine));
      const before = mustGet(t, id);
      if (before.active) {
        try {
          t.instances.checkProfileChange(profile);
        } catch (err) {
          t.audit.record({
            user: actor(req),
            action: "profile.update",
            target: before.name,
            profileId: id,
            result: "refused",
            detail: "resources locked",
          });
          throw err;
        }
      }
      const r = t.profiles.update(id, req.body.baseVersion, profile, actor(req));
      if (!r.ok && r.reason === "not-found") throw new AgentError("PROFILE-NOT-FOUND");
      if (!r.ok && r.reason === "stale") {
        t.audit.record({
          user: actor(req),
          action: "profile.update",
          target: before.name,
          profileId: id,
          result: "stale",
          detail: `based on ${req.body.baseVersion}, current ${r.current.version}`,
        });
        const c = record(t, r.current);
        throw new AgentError("PROFILE-STALE", {
          message: `${r.current.updatedBy} saved version ${r.current.version} at ${r.current.updatedAt}; you edited version ${req.body.baseVersion}. Your change was not written.`,
          hint: "Reload the current version, then apply your change again.",
          current: {
            version: c.version,
            profile: c.profile,
            updatedBy: c.updatedBy,
            updatedAt: c.updatedAt,
          },
        });
      }
      if (!r.ok) throw new AgentError("INTERNAL");
      if (r.record.active) t.instances.sync();
      t.audit.record({
        user: actor(req),
        action: "profile.update",
        target: r.record.name,
        profileId: id,
        result: "ok",
        detail: `version ${r.record.version}`,
      });
      announce("updated", id, r.record.name, r.record.version, actor(req));
      return record(t, r.record);
    },
  );

  app.delete<{ Params: { id: string } }>(
    "/profiles/:id",
    { config: { access: "operator" }, schema: { params: idParams, response: { 204: noContent } } },
    async (req, reply) => {
      const p = mustGet(t, req.params.id);
      if (p.active && t.instances.anyLocked()) {
        throw new AgentError("RESOURCE-LOCKED", {
          message: `${p.name} is the active profile and instances of it may be running: stop them first.`,
        });
      }
      t.profiles.remove(p.id);
      if (p.active) t.instances.sync();
      t.audit.record({
        user: actor(req),
        action: "profile.delete",
        target: p.name,
        profileId: p.id,
        result: "ok",
      });
      announce("deleted", p.id, p.name, p.version, actor(req));
      return reply.code(204).send();
    },
  );
};

export default routes;
