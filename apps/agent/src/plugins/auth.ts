// Every route is closed unless it says otherwise: the hook below runs for every request
// (the WebSocket upgrade included). Access "public" is for login only, "guest" for the
// per-boot token of a successor; everything else needs a session with a high enough role,
// and a state-changing method also needs the session's CSRF token in x-csrf-token. A session
// whose password was set by someone else reaches only the routes marked
// `duringPasswordChange` until its user has chosen their own.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { timingSafeEqual } from "node:crypto";
import { AgentError } from "../errors";
import { roleAtLeast } from "../db/users";

export const SESSION_COOKIE = "tessera_session";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function authHook(app: FastifyInstance) {
  return async function (req: FastifyRequest, _reply: FastifyReply): Promise<void> {
    req.session = null;
    const url = req.routeOptions.url;
    // Not an API route (static files of the console, unknown paths): nothing to protect.
    if (url === undefined || !url.startsWith("/api")) return;
    const access = req.routeOptions.config.access ?? "viewer";
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      const s = app.tessera.users.session(token);
      if (s) req.session = { ...s, token };
    }
    if (access === "public" || access === "guest") return;
    if (!req.session) throw new AgentError("AUTH-REQUIRED");
    if (!SAFE_METHODS.has(req.method)) {
      const header = req.headers["x-csrf-token"];
      if (typeof header !== "string" || !same(header, req.session.csrf))
        throw new AgentError("CSRF-MISMATCH");
    }
    if (req.session.mustChangePassword && !req.routeOptions.config.duringPasswordChange)
      throw app.tessera.sessionService.refuseUntilPasswordChanged(
        req.session,
        `${req.method} ${req.url.split("?")[0]}`,
      );
    if (!roleAtLeast(req.session.role, access)) {
      // A refused attempt that reached the agent is on record: who tried what.
      app.tessera.audit.record({
        user: req.session.user,
        action: "access.denied",
        target: `${req.method} ${req.url.split("?")[0]}`,
        result: "forbidden",
        detail: `needs the ${access} role; ${req.session.user} is ${req.session.role}`,
      });
      throw new AgentError("FORBIDDEN", {
        message: `This needs the ${access} role; you are ${req.session.role}.`,
      });
    }
  };
}

/** The user a handler acts for (routes behind a session only). */
export function actor(req: FastifyRequest): string {
  return req.session?.user ?? "anonymous";
}

/**
 * The hook as a plugin. Not encapsulated (Fastify's "skip-override", what fastify-plugin
 * sets): it guards every route of the app, not only those registered inside it.
 */
export const authPlugin: FastifyPluginAsync = Object.assign(
  async (app: FastifyInstance) => {
    app.addHook("onRequest", authHook(app));
  },
  { [Symbol.for("skip-override")]: true },
);
