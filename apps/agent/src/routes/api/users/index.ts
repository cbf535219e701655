// Users (admin only): list, add, change role or password, remove (the UserService).
import type { RoutePlugin } from "../../route-plugin";
import { roleSchema as role, userViewSchema as userView } from "@tessera/core";
import { actor } from "../../../plugins/auth";

const nameParams = {
  type: "object",
  required: ["name"],
  properties: { name: { type: "string", minLength: 1, maxLength: 64 } },
} as const;
const password = { type: "string", minLength: 8, maxLength: 1024 } as const;
const noContent = { type: "null", description: "No content" } as const;

const routes: RoutePlugin = async (app) => {
  const t = app.tessera;

  app.get(
    "/users",
    {
      config: { access: "admin" },
      schema: {
        response: {
          200: {
            type: "object",
            required: ["users"],
            properties: { users: { type: "array", items: userView } },
            additionalProperties: true,
          },
        },
      },
    },
    async () => ({ users: t.userService.list() }),
  );

  app.post(
    "/users",
    {
      config: { access: "admin" },
      schema: {
        body: {
          type: "object",
          required: ["name", "role", "password"],
          additionalProperties: false,
          properties: {
            name: { type: "string", pattern: "^[A-Za-z0-9._-]{1,64}$" },
            role,
            password,
          },
        },
        response: { 201: userView },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await t.userService.add(actor(req), req.body.name, req.body.role, req.body.password)),
  );

  app.patch(
    "/users/:name",
    {
      config: { access: "admin" },
      schema: {
        params: nameParams,
        body: {
          type: "object",
          additionalProperties: false,
          minProperties: 1,
          properties: { role, password },
        },
        response: { 200: userView },
      },
    },
    async (req) => t.userService.update(actor(req), req.params.name, req.body),
  );

  app.delete(
    "/users/:name",
    { config: { access: "admin" }, schema: { params: nameParams, response: { 204: noContent } } },
    async (req, reply) => {
      t.userService.remove(actor(req), req.params.name);
      return reply.code(204).send(null);
    },
  );
};

export default routes;
