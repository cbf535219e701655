// Login, who am I, logout, and choosing one's own password (the SessionService). Login is
// the only public route besides the guests' report; the other three are all a session
// whose password someone else set may reach (plugins/auth.ts).
import type { RoutePlugin } from "../../route-plugin";
import { passwordChangeSchema, sessionInfoSchema } from "@tessera/core";
import { SESSION_COOKIE } from "../../../plugins/auth";

const noContent = { type: "null", description: "No content" } as const;

const routes: RoutePlugin = async (app) => {
  const t = app.tessera;

  app.post(
    "/session",
    {
      config: { access: "public" },
      schema: {
        body: {
          type: "object",
          required: ["username", "password"],
          additionalProperties: false,
          properties: {
            username: { type: "string", minLength: 1, maxLength: 64 },
            password: { type: "string", maxLength: 1024 },
          },
        },
        response: { 200: sessionInfoSchema },
      },
    },
    async (req, reply) => {
      const { token, info } = await t.sessionService.login(
        req.body.username,
        req.body.password,
        req.ip,
      );
      void reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: "strict",
        secure: Boolean(t.config.tlsCert),
        path: "/",
        maxAge: Math.floor(t.config.sessionTtlMs / 1000),
      });
      return info;
    },
  );

  app.get(
    "/session",
    { config: { duringPasswordChange: true }, schema: { response: { 200: sessionInfoSchema } } },
    async (req) => t.sessionService.info(req.session!),
  );

  app.delete(
    "/session",
    { config: { duringPasswordChange: true }, schema: { response: { 204: noContent } } },
    async (req, reply) => {
      t.sessionService.logout(req.session!);
      void reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/session/password",
    {
      config: { duringPasswordChange: true },
      schema: { body: passwordChangeSchema, response: { 200: sessionInfoSchema } },
    },
    async (req) =>
      t.sessionService.changePassword(
        req.session!,
        req.body.currentPassword,
        req.body.newPassword,
        req.ip,
      ),
  );
};

export default routes;
