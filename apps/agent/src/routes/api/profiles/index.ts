// Profiles: list, read, create, update (compare-and-set on the version), delete. Each route
// is its schema and one call of the ProfileService (locks, audit, announcements).
import type { RoutePlugin } from "../../route-plugin";
import { actor } from "../../../plugins/auth";
import {
  profileBodySchema,
  profileJsonSchema,
  profileRecordSchema,
  profileSummarySchema,
} from "@tessera/core";
import { idParams, readProfile } from "./shared";
import { noContent, strictValidator } from "./schemas";

const routes: RoutePlugin = async (app) => {
  const t = app.tessera;

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
    async () => ({ profiles: t.profileService.list() }),
  );

  app.post(
    "/profiles",
    {
      config: { access: "operator" },
      // No type coercion: a number where an address string belongs is a 400 (see schemas.ts).
      validatorCompiler: strictValidator,
      schema: { body: profileBodySchema, response: { 201: profileRecordSchema } },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          t.profileService.create(
            readProfile(req.body.profile, "profile", t.machine.machine),
            actor(req),
          ),
        ),
  );

  app.get(
    "/profiles/:id",
    { schema: { params: idParams, response: { 200: profileRecordSchema } } },
    async (req) => t.profileService.get(req.params.id),
  );

  app.put(
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
    async (req) =>
      t.profileService.update(
        req.params.id,
        req.body.baseVersion,
        readProfile(req.body.profile, "profile", t.machine.machine),
        actor(req),
      ),
  );

  app.delete(
    "/profiles/:id",
    { config: { access: "operator" }, schema: { params: idParams, response: { 204: noContent } } },
    async (req, reply) => {
      t.profileService.remove(req.params.id, actor(req));
      return reply.code(204).send(null);
    },
  );
};

export default routes;
