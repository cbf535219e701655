// The agent as a Fastify app. app.ts builds it (plugins, the central error handler, every
// route); server.ts only listens. Tests build it with a temporary data directory and the
// dry-run loader and drive it through app.inject() or a real socket.
import { existsSync } from "node:fs";
import { join } from "node:path";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import websocket from "@fastify/websocket";
import type { Loader } from "@tessera/kexec";
import { WS_SUBPROTOCOL, type Profile } from "@tessera/core";
import type { AgentConfig } from "./config";
import { openDatabase } from "./db/database";
import { AuditLog } from "./db/audit";
import { InstanceStore } from "./db/instances";
import { InstanceRunStore } from "./db/instance-runs";
import { ProfileStore } from "./db/profiles";
import { UserStore } from "./db/users";
import { AgentError, errorBody } from "./errors";
import { LiveHub } from "./live/hub";
import { StartCoordinator } from "./lifecycle/manager";
import { GuestMonitor } from "./lifecycle/guests";
import { InstanceStateStore, type StepsInFlight } from "./lifecycle/states";
import type { LiveFacts } from "./lifecycle/live-facts";
import { fileAccess } from "./lifecycle/file-checks";
import { LayoutPool } from "./lifecycle/layout-pool";
import { authPlugin } from "./plugins/auth";
import { lazySchemas } from "./lazy-schemas";
import { clientErrorHandler, errorsPlugin, frameworkErrors } from "./plugins/errors";
import type { MachineService } from "./services/machine-service";
import { BootConfigService, type CommandRunner } from "./grub/service";
import type { Services } from "./services";
import { ProfileService } from "./services/profile-service";
import { UserService } from "./services/user-service";
import { SessionService } from "./services/session-service";
import { BootEntryService } from "./services/boot-entry-service";
import { os1Report } from "./lifecycle/os1-cmdline";
import { detectOs1Boot } from "./lifecycle/os1-boot";
import liveRoutes from "./routes/api/ws/index";
import { HTTP_ROUTES } from "./routes/api/index";

export interface BuildOptions {
  config: AgentConfig;
  loader: Loader;
  machine: MachineService;
  live?: LiveFacts;
  now?: () => number;
  logger?: FastifyServerOptions["logger"];
  /** PEM contents, when serving HTTPS. */
  https?: { cert: Buffer; key: Buffer } | null;
  /** Called after a profile is activated (the dry-run's simulated OS1 "reboots" into it). */
  onActivated?: (p: Profile) => void;
  /** How GRUB's tools run (packages/kexec's runCommand in production). */
  commandRunner?: CommandRunner;
}

export async function buildApp(o: BuildOptions): Promise<FastifyInstance> {
  const now = o.now ?? Date.now;
  const opts: FastifyServerOptions & { https?: unknown } = {
    logger: o.logger ?? false,
    bodyLimit: o.config.bodyLimit,
    trustProxy: false,
    // Never echo request details into error bodies; the error handler owns the shape, also
    // for what the router and Node's HTTP parser refuse, and while the agent closes (below).
    return503OnClosing: false,
    frameworkErrors,
    clientErrorHandler,
    // Unknown fields are errors (400 with their path), not silently dropped; and no part of
    // a request is coerced to the type its schema wants (["admin"] is not "admin", 1 is not
    // true): numbers in query strings and paths are declared as digits (routes/api/numbers).
    ajv: { customOptions: { removeAdditional: false, allErrors: false, coerceTypes: false } },
  };
  if (o.https) opts.https = o.https;
  const app = Fastify(opts) as unknown as FastifyInstance;
  // Route validators and serializers compile on first use (lazy-schemas.ts).
  lazySchemas(app, opts.ajv);

  const db = openDatabase(o.config.dataDir, now);
  const hub = new LiveHub();
  const profiles = new ProfileStore(db, now);
  const audit = new AuditLog(db, now);
  const files = fileAccess(o.config);
  const layout = new LayoutPool();
  const lifecycle = {
    instances: new InstanceStore(db),
    runs: new InstanceRunStore(db),
    profiles,
    audit,
    hub,
    loader: o.loader,
    machine: () => o.machine.machine,
    live: o.live,
    files,
    now,
    heartbeatTimeoutMs: o.config.heartbeatTimeoutMs,
    phaseDeadlines: o.config.phaseDeadlines,
    controllerUrl: () => o.config.controllerUrl,
    log: app.log,
  };
  // The lifecycle's three collaborators share the state store and the steps in flight.
  const instances = new InstanceStateStore(lifecycle);
  const inFlight: StepsInFlight = new Map();
  const guests = new GuestMonitor(instances, lifecycle, inFlight);
  const starts = new StartCoordinator(instances, lifecycle, inFlight);
  const users = new UserStore(db, now);
  const boot = new BootConfigService({ root: o.config.grubRoot, runner: o.commandRunner });
  const os1Boot = () => detectOs1Boot(o.config.grubRoot);
  const services: Services = {
    config: o.config,
    db,
    users,
    profiles,
    audit,
    hub,
    instances,
    guests,
    starts,
    loader: o.loader,
    machine: o.machine,
    live: o.live,
    files,
    layout,
    boot,
    os1Boot,
    now,
    profileService: new ProfileService({
      profiles,
      audit,
      hub,
      instances,
      machine: o.machine,
      onActivated: o.onActivated,
      now,
    }),
    userService: new UserService({ users, audit, hub }),
    sessionService: new SessionService({
      users,
      audit,
      hub,
      loginRateLimit: o.config.loginRateLimit,
      sessionTtlMs: o.config.sessionTtlMs,
    }),
    bootEntryService: new BootEntryService({
      boot,
      profiles,
      machine: o.machine,
      audit,
      files,
      layout,
      loader: o.config.loader,
      os1Boot,
      log: app.log,
      os1Report: () => os1Report(services),
    }),
  };
  app.decorate("tessera", services);
  app.decorateRequest("session", null);

  // The route table, kept for the test that proves no route is open without a session.
  const routeTable: { method: string; url: string; access: string }[] = [];
  app.addHook("onRoute", (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    const access = (r.config as { access?: string } | undefined)?.access ?? "viewer";
    for (const m of methods) if (m !== "HEAD") routeTable.push({ method: m, url: r.url, access });
  });
  app.decorate("routeTable", routeTable);
  await app.register(errorsPlugin);
  // JSON only: a text/plain body is a 415, not a string that fails the schema.
  app.removeContentTypeParser("text/plain");
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: () => {
      throw new AgentError("RATE-LIMITED");
    },
  });
  await app.register(websocket, {
    options: {
      maxPayload: 64 * 1024,
      handleProtocols: (protocols: Set<string>) =>
        protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false,
    },
  });
  // While closing, in-flight requests finish; new ones are told, in the usual shape.
  let stopping = false;
  app.addHook("preClose", async () => {
    stopping = true;
  });
  app.addHook("onRequest", async () => {
    if (stopping) throw new AgentError("AGENT-STOPPING");
  });
  await app.register(authPlugin);
  // Hardening for every response: no MIME sniffing, no framing (clickjacking), no referrer.
  app.addHook("onSend", async (_req, reply) => {
    void reply.header("x-content-type-options", "nosniff");
    void reply.header("x-frame-options", "DENY");
    void reply.header("content-security-policy", "frame-ancestors 'none'");
    void reply.header("referrer-policy", "no-referrer");
  });

  for (const routes of [...HTTP_ROUTES, liveRoutes]) {
    await app.register(routes, { prefix: "/api" });
  }

  const webRoot = o.config.webRoot;
  const haveWeb = existsSync(join(webRoot, "index.html"));
  // The static file server loads only when there is a built console to serve.
  if (haveWeb)
    await app.register((await import("@fastify/static")).default, {
      root: webRoot,
      prefix: "/",
      index: ["index.html"],
    });
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith("/api") || req.method !== "GET") {
      return reply.code(404).send(
        errorBody(
          new AgentError("NOT-FOUND", {
            message: `No route ${req.method} ${req.url.split("?")[0]}.`,
          }),
        ),
      );
    }
    // The console is a single-page app: its own routes all load index.html.
    if (haveWeb) return reply.sendFile("index.html");
    return reply
      .code(404)
      .type("text/plain")
      .send(
        `The web console is not built (${webRoot} has no index.html).\nBuild it with: npm run build --workspace=@tessera/web\nThe API is under /api.`,
      );
  });

  app.addHook("onClose", async () => {
    await layout.close();
    starts.close();
    guests.close();
    instances.close();
    hub.closeAll();
    db.close();
  });
  await guests.reconcile();
  return app;
}
