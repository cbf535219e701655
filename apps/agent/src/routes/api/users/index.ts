// Users (admin only): list, add, change role or password, remove.
import type { RoutePlugin } from "../../route-plugin";
import { hashPassword } from "../../../auth/password";
import { roleSchema as role, userViewSchema as userView, type Role } from "@tessera/core";
import { AgentError } from "../../../errors";
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
  const view = (name: string) => t.users.list().find((u) => u.name === name)!;

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
    async () => ({ users: t.users.list() }),
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
    async (req, reply) => {
      const ok = t.users.add(req.body.name, req.body.role, await hashPassword(req.body.password));
      t.audit.record({
        user: actor(req),
        action: "user.add",
        target: req.body.name,
        result: ok ? "ok" : "refused",
      });
      if (!ok)
        throw new AgentError("NAME-TAKEN", {
          message: `A user ${JSON.stringify(req.body.name)} already exists.`,
        });
      return reply.code(201).send(view(req.body.name));
    },
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
    async (req) => {
      const change: { role?: Role; hash?: string } = {};
      if (req.body.role) change.role = req.body.role;
      if (req.body.password) change.hash = await hashPassword(req.body.password);
      const r = t.users.update(req.params.name, change);
      t.audit.record({
        user: actor(req),
        action: "user.update",
        target: req.params.name,
        result: r,
        detail: Object.keys(req.body).join(","),
      });
      if (r === "not-found") throw new AgentError("USER-NOT-FOUND");
      if (r === "last-admin") throw new AgentError("LAST-ADMIN");
      // A new password or role takes effect on live connections too: they reconnect.
      t.hub.closeWhere((c) => c.user === req.params.name, "account changed");
      return view(req.params.name);
    },
  );

  app.delete(
    "/users/:name",
    { config: { access: "admin" }, schema: { params: nameParams, response: { 204: noContent } } },
    async (req, reply) => {
      const r = t.users.remove(req.params.name);
      t.audit.record({
        user: actor(req),
        action: "user.remove",
        target: req.params.name,
        result: r,
      });
      if (r === "not-found") throw new AgentError("USER-NOT-FOUND");
      if (r === "last-admin") throw new AgentError("LAST-ADMIN");
      t.hub.closeWhere((c) => c.user === req.params.name, "account removed");
      return reply.code(204).send(null);
    },
  );
};

export default routes;
