// Login, who am I, logout. Login is the only public route besides the guests' report.
import type { FastifyPluginAsync } from "fastify";
import { verifyPassword } from "../../../auth/password";
import { AgentError } from "../../../errors";
import { SESSION_COOKIE } from "../../../plugins/auth";
import { LoginLimiter } from "../../../auth/login-limiter";

// A hash of a random password, checked when the user does not exist, so a wrong user name
// costs the same time as a wrong password.
const DUMMY_HASH =
  "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$Xh2bRk1vQ0a8Y2l8sJgYgq9zq5+ZzvK3dY2XbQvUeBs=";

const sessionAnswer = {
  type: "object",
  required: ["user", "csrfToken"],
  properties: {
    user: {
      type: "object",
      required: ["name", "role"],
      properties: { name: { type: "string" }, role: { type: "string" } },
      additionalProperties: true,
    },
    csrfToken: { type: "string" },
  },
  additionalProperties: true,
} as const;
const noContent = { type: "null", description: "No content" } as const;

const routes: FastifyPluginAsync = async (app) => {
  const t = app.tessera;
  const limiter = new LoginLimiter(t.config.loginRateLimit);

  app.post<{ Body: { username: string; password: string } }>(
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
        response: { 200: sessionAnswer },
      },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      // Per user name and address: behind one proxy, one user's (or a guesser's) failures
      // never lock out another user who types the right password.
      const key = `${req.ip} ${username}`;
      if (!limiter.allowed(key)) {
        t.audit.record({ user: username, action: "session.login", result: "rate-limited" });
        throw new AgentError("RATE-LIMITED");
      }
      const user = t.users.get(username);
      const ok = await verifyPassword(password, user?.hash ?? DUMMY_HASH);
      if (!user || !ok) {
        limiter.fail(key);
        t.audit.record({ user: username, action: "session.login", result: "failed" });
        throw new AgentError("AUTH-FAILED");
      }
      limiter.succeed(key);
      const s = t.users.createSession(user.name, t.config.sessionTtlMs);
      t.audit.record({ user: user.name, action: "session.login", result: "ok" });
      void reply.setCookie(SESSION_COOKIE, s.token, {
        httpOnly: true,
        sameSite: "strict",
        secure: Boolean(t.config.tlsCert),
        path: "/",
        maxAge: Math.floor(t.config.sessionTtlMs / 1000),
      });
      return { user: { name: user.name, role: user.role }, csrfToken: s.csrf };
    },
  );

  app.get("/session", { schema: { response: { 200: sessionAnswer } } }, async (req) => {
    const s = req.session!;
    return { user: { name: s.user, role: s.role }, csrfToken: s.csrf };
  });

  app.delete("/session", { schema: { response: { 204: noContent } } }, async (req, reply) => {
    t.users.endSession(req.session!.token);
    const token = req.session!.token;
    t.hub.closeWhere((c) => c.session === token, "logged out");
    t.audit.record({ user: req.session!.user, action: "session.logout", result: "ok" });
    void reply.clearCookie(SESSION_COOKIE, { path: "/" });
    return reply.code(204).send();
  });
};

export default routes;
