// Profile history, diff, duplicate, activation, import and export.
import type { FastifyPluginAsync } from "fastify";
import { diffProfiles, profileJsonSchema, profileToJson } from "@tessera/core";
import { AgentError } from "../../../errors";
import { digits, intIn } from "../numbers";
import { actor } from "../../../plugins/auth";
import { diffJson } from "./diff";
import { announceProfile, idParams, mustGet, readProfile, record, stamped } from "./shared";
import { openObject, profileRecordSchema, strictValidator, versionSummarySchema } from "./schemas";

const MAX_VERSION = 999_999_999;

const versionParams = {
  type: "object",
  required: ["id", "v"],
  properties: {
    id: { type: "string", minLength: 1, maxLength: 100 },
    v: digits,
  },
} as const;

const routes: FastifyPluginAsync = async (app) => {
  const t = app.tessera;
  const announce = (action: string, id: string, name: string, version: number, by: string) =>
    announceProfile(t, action, id, name, version, by);
  const version = (id: string, v: number) => {
    const pv = t.profiles.version(id, v);
    if (!pv)
      throw new AgentError("VERSION-NOT-FOUND", { message: `Profile ${id} has no version ${v}.` });
    return pv;
  };

  app.get<{ Params: { id: string } }>(
    "/profiles/:id/versions",
    {
      schema: {
        params: idParams,
        response: {
          200: {
            type: "object",
            required: ["versions"],
            properties: { versions: { type: "array", items: versionSummarySchema } },
            additionalProperties: true,
          },
        },
      },
    },
    async (req) => {
      mustGet(t, req.params.id);
      return { versions: t.profiles.versions(req.params.id) };
    },
  );

  app.get<{ Params: { id: string; v: string } }>(
    "/profiles/:id/versions/:v",
    {
      schema: {
        params: versionParams,
        response: {
          200: {
            type: "object",
            required: ["version", "profile"],
            properties: {
              version: { type: "integer" },
              profile: profileJsonSchema,
              updatedAt: { type: ["string", "null"] },
              updatedBy: { type: ["string", "null"] },
            },
            additionalProperties: true,
          },
        },
      },
    },
    async (req) => {
      mustGet(t, req.params.id);
      const pv = version(req.params.id, intIn(req.params.v, "params.v", 1, MAX_VERSION));
      return {
        version: pv.version,
        profile: profileToJson(pv.profile),
        updatedAt: pv.updatedAt,
        updatedBy: pv.updatedBy,
      };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { from: string; to: string } }>(
    "/profiles/:id/diff",
    {
      schema: {
        params: idParams,
        querystring: {
          type: "object",
          required: ["from", "to"],
          properties: {
            from: digits,
            to: digits,
          },
          additionalProperties: false,
        },
        response: {
          200: {
            type: "object",
            required: ["from", "to", "changes", "paths"],
            properties: {
              from: { type: "integer" },
              to: { type: "integer" },
              // Core's ProfileChange and diffJson's Change carry before/after values of any
              // type: open objects, passed through as they are.
              changes: { type: "array", items: openObject },
              paths: { type: "array", items: openObject },
            },
            additionalProperties: true,
          },
        },
      },
    },
    async (req) => {
      mustGet(t, req.params.id);
      const a = version(req.params.id, intIn(req.query.from, "querystring.from", 1, MAX_VERSION));
      const b = version(req.params.id, intIn(req.query.to, "querystring.to", 1, MAX_VERSION));
      // Core's list in the operator's terms (the same the console shows), plus every changed
      // JSON path for tools.
      const changes = diffProfiles(a.profile, b.profile);
      const paths = diffJson(profileToJson(a.profile) as never, profileToJson(b.profile) as never);
      return { from: a.version, to: b.version, changes, paths };
    },
  );

  app.post<{ Params: { id: string }; Body: { name: string } }>(
    "/profiles/:id/duplicate",
    {
      config: { access: "operator" },
      schema: {
        params: idParams,
        body: {
          type: "object",
          required: ["name"],
          additionalProperties: false,
          properties: { name: { type: "string", minLength: 1, maxLength: 200 } },
        },
        response: { 201: profileRecordSchema },
      },
    },
    async (req, reply) => {
      const src = mustGet(t, req.params.id);
      const rec = t.profiles.create({ ...src.profile, name: req.body.name }, actor(req));
      t.audit.record({
        user: actor(req),
        action: "profile.duplicate",
        target: rec.name,
        profileId: rec.id,
        result: "ok",
        detail: `from ${src.id} version ${src.version}`,
      });
      announce("created", rec.id, rec.name, rec.version, actor(req));
      return reply.code(201).send(record(t, rec));
    },
  );

  app.post<{ Params: { id: string } }>(
    "/profiles/:id/activate",
    {
      config: { access: "operator" },
      schema: { params: idParams, response: { 200: profileRecordSchema } },
    },
    async (req) => {
      const p = mustGet(t, req.params.id);
      if (!p.active) {
        if (t.instances.anyLocked()) {
          t.audit.record({
            user: actor(req),
            action: "profile.activate",
            target: p.name,
            profileId: p.id,
            result: "refused",
          });
          throw new AgentError("RESOURCE-LOCKED", {
            message:
              "Instances of the active profile may be running: stop them before activating another profile.",
          });
        }
        t.profiles.setActive(p.id);
        t.instances.sync();
        t.onActivated?.(p.profile);
        t.audit.record({
          user: actor(req),
          action: "profile.activate",
          target: p.name,
          profileId: p.id,
          result: "ok",
          detail: `version ${p.version}`,
        });
        announce("activated", p.id, p.name, p.version, actor(req));
      }
      return record(t, mustGet(t, p.id));
    },
  );

  app.get<{ Params: { id: string } }>(
    "/profiles/:id/export",
    { schema: { params: idParams, response: { 200: profileJsonSchema } } },
    async (req, reply) => {
      const p = mustGet(t, req.params.id);
      const file = p.name.replace(/[^A-Za-z0-9._-]+/g, "_") || "profile";
      void reply.header("content-disposition", `attachment; filename="${file}.json"`);
      return profileToJson(p.profile);
    },
  );

  app.post<{ Body: unknown }>(
    "/profiles/import",
    {
      config: { access: "operator" },
      validatorCompiler: strictValidator,
      schema: { body: profileJsonSchema, response: { 201: profileRecordSchema } },
    },
    async (req, reply) => {
      const profile = stamped(t, readProfile(req.body, "", t.machine.machine));
      const rec = t.profiles.create(profile, actor(req));
      t.audit.record({
        user: actor(req),
        action: "profile.import",
        target: rec.name,
        profileId: rec.id,
        result: "ok",
      });
      announce("created", rec.id, rec.name, rec.version, actor(req));
      return reply.code(201).send(record(t, rec));
    },
  );
};

export default routes;
