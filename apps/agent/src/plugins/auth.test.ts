// Every route needs a session: the test walks the route table (collected with onRoute in app.ts)
// and calls each route without one. Only login and the guests' report (boot token) are open.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, login, PASSWORD, testApp, type TestApp } from "../../test/integration/helpers";

let t: TestApp;
let routes: { method: string; url: string }[] = [];

beforeAll(async () => {
  t = await testApp();
  routes = t.app.routeTable.map(({ method, url }) => ({ method, url }));
});

afterAll(async () => {
  await t.app.close();
  t.env.cleanup();
});

const OPEN = new Set(["POST /api/session", "POST /api/guest/report"]);

describe("auth on every route", () => {
  it("finds the API routes", () => {
    const api = routes.filter((r) => r.url.startsWith("/api"));
    expect(api.length).toBeGreaterThan(30);
    expect(api).toContainEqual({ method: "PUT", url: "/api/profiles/:id" });
    expect(api).toContainEqual({ method: "GET", url: "/api/ws" });
    const open = t.app.routeTable
      .filter((r) => r.access === "public" || r.access === "guest")
      .map((r) => `${r.method} ${r.url}`);
    expect(open.sort()).toEqual([...OPEN].sort());
  });

  it("refuses every API route without a session over a real socket, except login and the guests' report", async () => {
    const base = await t.app.listen({ host: "127.0.0.1", port: 0 });
    const reachable: string[] = [];
    for (const r of routes.filter((x) => x.url.startsWith("/api"))) {
      const url = r.url.replace(":id", "x").replace(":name", "os2").replace(":v", "1");
      const withBody = r.method !== "GET" && r.method !== "DELETE";
      const res = await fetch(base + url, {
        method: r.method,
        headers: withBody ? { "content-type": "application/json" } : {},
        body: withBody ? "{}" : undefined,
      });
      const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
      const key = `${r.method} ${r.url}`;
      if (OPEN.has(key)) {
        expect(res.status, key).not.toBe(401);
        continue;
      }
      if (res.status !== 401 || body.error?.code !== "AUTH-REQUIRED")
        reachable.push(`${key} -> ${res.status}`);
    }
    expect(reachable).toEqual([]);
  });

  it("requires the CSRF token on state-changing requests and the right role", async () => {
    await addUser(t.app, "vera", "viewer");
    await addUser(t.app, "olga", "operator");
    const v = await login(t.app, "vera");
    const o = await login(t.app, "olga");
    const noCsrf = await t.app.inject({
      method: "POST",
      url: "/api/profiles",
      headers: { cookie: o.cookie },
      payload: { profile: t.env.profile },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe("CSRF-MISMATCH");
    const wrongCsrf = await t.app.inject({
      method: "POST",
      url: "/api/profiles",
      headers: { cookie: o.cookie, "x-csrf-token": v.csrf },
      payload: { profile: t.env.profile },
    });
    expect(wrongCsrf.statusCode).toBe(403);
    const viewer = await t.app.inject({
      method: "POST",
      url: "/api/profiles",
      headers: v.headers,
      payload: { profile: t.env.profile },
    });
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json().error.code).toBe("FORBIDDEN");
    // the refused attempt is in the audit log, with who and what
    const denied = t.app.tessera.audit.query({ action: "access.denied" });
    expect(denied[0]).toMatchObject({
      user: "vera",
      target: "POST /api/profiles",
      result: "forbidden",
    });
    expect(
      (await t.app.inject({ url: "/api/profiles", headers: { cookie: v.cookie } })).statusCode,
    ).toBe(200);
    expect((await t.app.inject({ url: "/api/users", headers: o.headers })).statusCode).toBe(403);
    const ok = await t.app.inject({
      method: "POST",
      url: "/api/profiles",
      headers: o.headers,
      payload: { profile: t.env.profile },
    });
    expect(ok.statusCode).toBe(201);
  });

  it("sets an HttpOnly SameSite=Strict cookie and ends the session on logout", async () => {
    await addUser(t.app, "ada", "admin");
    const res = await t.app.inject({
      method: "POST",
      url: "/api/session",
      payload: { username: "ada", password: "correct horse battery" },
    });
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/);
    const a = await login(t.app, "ada");
    expect(
      (await t.app.inject({ url: "/api/session", headers: { cookie: a.cookie } })).json(),
    ).toEqual({
      user: { name: "ada", role: "admin" },
      csrfToken: a.csrf,
      mustChangePassword: false,
    });
    expect(
      (await t.app.inject({ method: "DELETE", url: "/api/session", headers: a.headers }))
        .statusCode,
    ).toBe(204);
    expect(
      (await t.app.inject({ url: "/api/session", headers: { cookie: a.cookie } })).statusCode,
    ).toBe(401);
  });

  it("rate-limits failed logins per address, never correct ones", async () => {
    await addUser(t.app, "lena", "viewer");
    for (let i = 0; i < 15; i++) await login(t.app, "lena"); // correct logins are not limited
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await t.app.inject({
        method: "POST",
        url: "/api/session",
        remoteAddress: "10.9.9.9",
        payload: { username: "lena", password: "wrong" },
      });
      codes.push(r.statusCode);
    }
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    expect(codes.slice(10)).toEqual([429, 429]);
    // Even the right password waits out the minute from that address; others are unaffected.
    const locked = await t.app.inject({
      method: "POST",
      url: "/api/session",
      remoteAddress: "10.9.9.9",
      payload: { username: "lena", password: PASSWORD },
    });
    expect(locked.json().error.code).toBe("RATE-LIMITED");
    await login(t.app, "lena");
  }, 20_000); // some 30 scrypt hashes on a shared machine

  it("throttles per user name and address: one user's failures never lock out another behind the same address", async () => {
    await addUser(t.app, "max", "viewer");
    await addUser(t.app, "nora", "viewer");
    const attempt = (username: string, password: string) =>
      t.app.inject({
        method: "POST",
        url: "/api/session",
        remoteAddress: "10.7.7.7", // one proxy in front of everyone
        payload: { username, password },
      });
    for (let i = 0; i < 12; i++) await attempt("max", "wrong");
    expect((await attempt("max", "wrong")).statusCode).toBe(429);
    for (let i = 0; i < 12; i++) await attempt("not-a-user", "wrong");
    // nora signs in from the same address, with the right password.
    expect((await attempt("nora", PASSWORD)).statusCode).toBe(200);
  }, 20_000);
});
