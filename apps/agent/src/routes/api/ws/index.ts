// The live connection (API.md "WebSocket"): session-authenticated by the global hook,
// Origin-checked here, versioned by subprotocol; a snapshot or the missed events on
// connect, then the hub's stream. A session that must choose a new password first is
// refused with a message and close code 4403, not streamed to.
import { hostname, networkInterfaces } from "node:os";
import type { FastifyRequest } from "fastify";
import type { FromSchema } from "json-schema-to-ts";
import type { RoutePlugin } from "../../route-plugin";
import { isLoopback, type AgentConfig } from "../../../config";
import { AgentError } from "../../../errors";
import { digits, optionalIntIn } from "../numbers";
import {
  WS_CLOSE,
  WS_PROTOCOL,
  WS_SUBPROTOCOL,
  type ClientMessage,
  type ErrorMessage,
  type ResumedMessage,
  type SnapshotMessage,
} from "@tessera/core";
import { encode } from "../../../live/hub";

const HEARTBEAT_MS = 15_000;

const wsQuery = {
  type: "object",
  properties: {
    since: digits,
    epoch: { type: "string", maxLength: 64 },
  },
} as const;

/**
 * The origins a browser may open the live connection from: the agent's own listen address
 * (with its loopback names, or every local address when it listens on all of them) and
 * --allowed-origin. Never the request's Host header: with DNS rebinding an attacker's page
 * controls both Host and Origin, and they agree.
 */
export function ownOrigins(cfg: AgentConfig, port: number): string[] {
  const wildcard = cfg.host === "0.0.0.0" || cfg.host === "::" || cfg.host === "";
  const loopbackNames = ["localhost", "127.0.0.1", "::1"];
  const hosts = wildcard
    ? [
        ...loopbackNames,
        hostname(),
        ...Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)),
      ]
    : isLoopback(cfg.host)
      ? [cfg.host, ...loopbackNames]
      : [cfg.host];
  const scheme = cfg.tlsCert ? "https" : "http";
  return hosts.map((h) => `${scheme}://${h.includes(":") ? `[${h}]` : h}:${port}`);
}

function originAllowed(req: FastifyRequest, cfg: AgentConfig, port: number): boolean {
  const origin = req.headers.origin;
  // Non-browser clients send no Origin; they still need the session cookie.
  if (origin === undefined) return true;
  return ownOrigins(cfg, port).includes(origin) || cfg.allowedOrigins.includes(origin);
}

const routes: RoutePlugin = async (app) => {
  const t = app.tessera;
  // Every heartbeat also ends connections whose session expired (or was ended elsewhere).
  const timer = setInterval(() => {
    t.hub.closeWhere(
      (c) => c.session !== undefined && !t.users.session(c.session),
      "session expired",
    );
    t.hub.heartbeat(new Date(t.now()).toISOString());
  }, HEARTBEAT_MS);
  timer.unref();
  app.addHook("onClose", async () => clearInterval(timer));

  const snapshot = () => {
    const list = t.instances.list();
    const active = list.profileId ? t.profiles.get(list.profileId) : undefined;
    const msg: SnapshotMessage = {
      type: "snapshot",
      protocol: WS_PROTOCOL,
      epoch: t.hub.epoch,
      seq: t.hub.seq,
      instances: list.instances,
      profile: active ? { id: active.id, version: active.version, name: active.name } : null,
      loader: { kind: t.loader.kind },
    };
    return encode(msg);
  };

  app.get(
    "/ws",
    {
      websocket: true,
      // reached by such a session so that it can be told why (below), not with a bare 403
      config: { duringPasswordChange: true },
      schema: { querystring: wsQuery },
      onRequest: async (req) => {
        const port = (app.server.address() as { port?: number } | null)?.port ?? t.config.port;
        if (!originAllowed(req, t.config, port)) throw new AgentError("ORIGIN-REFUSED");
      },
    },
    (socket, req) => {
      if (socket.protocol !== WS_SUBPROTOCOL) {
        const refusal: ErrorMessage = {
          type: "error",
          code: "WS-VERSION",
          message: `Open the connection with subprotocol ${WS_SUBPROTOCOL} (${WS_PROTOCOL}).`,
        };
        socket.send(encode(refusal));
        socket.close(WS_CLOSE.version, "protocol version");
        return;
      }
      if (req.session!.mustChangePassword) {
        const e = t.sessionService.refuseUntilPasswordChanged(req.session!, "GET /api/ws");
        const refusal: ErrorMessage = { type: "error", code: e.code, message: e.message };
        socket.send(encode(refusal));
        socket.close(WS_CLOSE.passwordChangeRequired, "password change required");
        return;
      }
      const client = Object.assign(socket, {
        user: req.session!.user,
        session: req.session!.token,
      });
      // Snapshot (or missed events) and subscription happen in one synchronous block: no
      // event can slip between them.
      // @fastify/websocket's handler type does not carry the schema's types: the same
      // schema says what the validated query is (since as digits: no type coercion).
      const query = req.query as FromSchema<typeof wsQuery>;
      const since = optionalIntIn(query.since, "querystring.since", 0, Number.MAX_SAFE_INTEGER);
      const missed = since === undefined ? null : t.hub.since(query.epoch, since);
      if (missed) {
        const resumed: ResumedMessage = {
          type: "resumed",
          epoch: t.hub.epoch,
          from: since! + 1,
          to: t.hub.seq,
        };
        socket.send(encode(resumed));
        for (const text of missed) socket.send(text);
        // Guest heartbeats are not replayed: the latest one of each instance stands for all.
        for (const text of t.hub.latestHeartbeats()) socket.send(text);
      } else {
        socket.send(snapshot());
      }
      t.hub.add(client);
      socket.on("message", (data) => {
        let msg: unknown;
        try {
          msg = JSON.parse(String(data));
        } catch {
          return;
        }
        // Anything but a ClientMessage is ignored: a client cannot make the agent talk.
        if (msg && typeof msg === "object" && (msg as ClientMessage).type === "ping") {
          t.hub.deliver(client, t.hub.heartbeatText(new Date(t.now()).toISOString()));
        }
      });
      socket.on("close", () => t.hub.remove(client));
      socket.on("error", () => t.hub.remove(client));
    },
  );
};

export default routes;
