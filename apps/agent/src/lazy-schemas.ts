// Route schemas compile on their route's first request instead of at start. Fastify
// compiles every route's request validators (ajv) and response serializers
// (fast-json-stringify) when the app gets ready: about 40% of the agent's start-up and
// 19 MiB of its memory, for routes a session may never call. Here each route keeps the
// compiler Fastify would have used (its own, e.g. the profiles' strict validator, or
// Fastify's defaults built from the same factories with the same options) and calls it on
// first use. The validation is the same; only the moment changes.
// pendingSchemas() compiles whatever has not compiled yet, so a test can prove every
// schema compiles (a broken schema would otherwise surface on its route's first request).
import AjvCompiler from "@fastify/ajv-compiler";
import { SerializerSelector } from "@fastify/fast-json-stringify-compiler";
import type { FastifyInstance, FastifyServerOptions } from "fastify";

type Compile<F> = (route: never) => F;

const pending = new WeakMap<FastifyInstance, Set<() => void>>();

/** A function that builds `make()` on its first call; Fastify reads `errors` off validators. */
function deferred<F extends (...args: never[]) => unknown>(
  make: () => F,
  queue: Set<() => void>,
): F {
  let real: F | undefined;
  const build = () => {
    queue.delete(build);
    real ??= make();
    return real;
  };
  queue.add(build);
  const run = function (this: unknown, ...args: never[]) {
    const f = real ?? build();
    const out = f.apply(this, args);
    (run as unknown as { errors?: unknown }).errors = (f as unknown as { errors?: unknown }).errors;
    return out;
  };
  return run as unknown as F;
}

/** Registers the hook: call before any route is added. */
export function lazySchemas(app: FastifyInstance, ajv: FastifyServerOptions["ajv"]): void {
  const queue = new Set<() => void>();
  pending.set(app, queue);
  // Fastify's own defaults: ValidatorSelector()(shared schemas, options.ajv) and
  // SerializerSelector()(shared schemas, options.serializerOpts). This app adds no shared
  // schemas and no serializer options.
  const validator = AjvCompiler()({}, ajv as never) as Compile<(data: unknown) => unknown>;
  const serializer = SerializerSelector()({}, undefined) as Compile<(doc: unknown) => string>;
  app.addHook("onRoute", (route) => {
    const v = (route.validatorCompiler ?? validator) as Compile<(data: unknown) => unknown>;
    const s = (route.serializerCompiler ?? serializer) as Compile<(doc: unknown) => string>;
    route.validatorCompiler = ((def: never) => deferred(() => v(def), queue)) as never;
    route.serializerCompiler = ((def: never) => deferred(() => s(def), queue)) as never;
  });
}

/** Compiles every schema not compiled yet; returns how many there were. */
export function compilePendingSchemas(app: FastifyInstance): number {
  const queue = pending.get(app);
  if (!queue) return 0;
  const all = [...queue];
  for (const build of all) build();
  return all.length;
}

/** How many schemas have not compiled yet. */
export function pendingSchemas(app: FastifyInstance): number {
  return pending.get(app)?.size ?? 0;
}
