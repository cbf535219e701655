// Route schemas compile on first use, validate exactly as before, and every one of them
// compiles (so a broken schema fails here, not on a user's first request).
import { afterEach, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { compilePendingSchemas, pendingSchemas } from "./lazy-schemas";
import { addUser, login, testApp } from "../test/integration/helpers";

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

it("compiles no route schema at start, and a route's on its first request", async () => {
  const t = await testApp();
  app = t.app;
  await app.ready();
  const atStart = pendingSchemas(app);
  // Every route with a body, params, querystring or response schema is still waiting.
  expect(atStart).toBeGreaterThan(40);
  const bad = await app.inject({
    method: "POST",
    url: "/api/session",
    payload: { username: "x", password: "y", extra: 1 },
  });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().error.message).toContain("extra");
  // The login body validator and its 400 error serializer compiled for that request; its
  // 200 serializer waits for a successful login.
  expect(pendingSchemas(app)).toBe(atStart - 2);
  await addUser(app, "alice", "viewer");
  const { cookie } = await login(app, "alice");
  const me = await app.inject({ method: "GET", url: "/api/session", headers: { cookie } });
  expect(me.statusCode).toBe(200);
  expect(me.json().user).toEqual({ name: "alice", role: "viewer" });
  expect(pendingSchemas(app)).toBeLessThan(atStart - 1);
});

it("compiles every route schema without an error", async () => {
  const t = await testApp();
  app = t.app;
  await app.ready();
  const n = compilePendingSchemas(app);
  expect(n).toBeGreaterThan(40);
  expect(pendingSchemas(app)).toBe(0);
  // Compiled ahead of use, they still refuse what they refused.
  const bad = await app.inject({ method: "POST", url: "/api/session", payload: {} });
  expect(bad.statusCode).toBe(400);
});
