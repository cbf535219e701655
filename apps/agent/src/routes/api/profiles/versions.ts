// Profile history, diff, duplicate, activation, import and export.
import type { RoutePlugin } from "../../route-plugin";
import {
  profileJsonSchema,
  profileRecordSchema,
  profileToJson,
  versionRecordSchema,
  versionSummarySchema,
} from "@tessera/core";
import { digits, intIn } from "../numbers";
import { actor } from "../../../plugins/auth";
import { idParams, readProfile } from "./shared";
import { openObject, strictValidator } from "./schemas";

const MAX_VERSION = 999_999_999;

const versionParams = {
  type: "object",
  required: ["id", "v"],
  properties: {
    id: { type: "string", minLength: 1, maxLength: 100 },
    v: digits,
  },
} as const;

const routes: RoutePlugin = async (app) => {
  const t = app.tessera;
  app.get(
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
    async (req) => ({ versions: t.profileService.versions(req.params.id) }),
  );

  app.get(
    "/profiles/:id/versions/:v",
    {
      schema: {
        params: versionParams,
        response: { 200: versionRecordSchema },
      },
    },
    async (req) =>
      t.profileService.version(req.params.id, intIn(req.params.v, "params.v", 1, MAX_VERSION)),
  );

  app.get(
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
    async (req) =>
      t.profileService.diff(
        req.params.id,
        intIn(req.query.from, "querystring.from", 1, MAX_VERSION),
        intIn(req.query.to, "querystring.to", 1, MAX_VERSION),
      ),
  );

  app.post(
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
    async (req, reply) =>
      reply.code(201).send(t.profileService.duplicate(req.params.id, req.body.name, actor(req))),
  );

  app.post(
    "/profiles/:id/activate",
    {
      config: { access: "operator" },
      schema: { params: idParams, response: { 200: profileRecordSchema } },
    },
    async (req) => t.profileService.activate(req.params.id, actor(req)),
  );

  app.get(
    "/profiles/:id/export",
    { schema: { params: idParams, response: { 200: profileJsonSchema } } },
    async (req, reply) => {
      const p = t.profileService.mustGet(req.params.id);
      const file = p.name.replace(/[^A-Za-z0-9._-]+/g, "_") || "profile";
      void reply.header("content-disposition", `attachment; filename="${file}.json"`);
      return profileToJson(p.profile);
    },
  );

  app.post(
    "/profiles/import",
    {
      config: { access: "operator" },
      validatorCompiler: strictValidator,
      schema: { body: profileJsonSchema, response: { 201: profileRecordSchema } },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          t.profileService.create(
            readProfile(req.body, "", t.machine.machine),
            actor(req),
            "import",
          ),
        ),
  );
};

export default routes;
