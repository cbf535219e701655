// Users (admin only): list, add, change role or password, remove (the UserService). A
// password an admin sets for someone else has to be replaced by its user at sign-in.
import type { RoutePlugin } from "../../route-plugin";
import {
  passwordSchema as password,
  roleSchema as role,
  userViewSchema as userView,
} from "@tessera/core";
import { actor } from "../../../plugins/auth";

const nameParams = {
  type: "object",
  required: ["name"],
  properties: { name: { type: "string", minLength: 1, maxLength: 64 } },
} as const;
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
      reply.code(201).send(
        await t.userService.add(
          actor(req),
          req.body.name,
          req.body.role,
          req.body.password,
          true, // the admin chose it: the new user chooses their own at first sign-in
        ),
      ),
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
    async (req) =>
      t.userService.update(actor(req), req.params.name, {
        ...req.body,
        // An admin's own new password is their choice; anyone else's is a reset.
        mustChange: req.params.name !== actor(req),
      }),
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
