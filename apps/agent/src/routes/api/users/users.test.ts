import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  addUser,
  login,
  PASSWORD,
  testApp,
  type Login,
  type TestApp,
} from "../../../../test/integration/helpers";

let t: TestApp;
let admin: Login;
beforeEach(async () => {
  t = await testApp();
  await addUser(t.app, "ada", "admin");
  admin = await login(t.app, "ada");
});
afterEach(async () => {
  await t.app.close();
  t.env.cleanup();
});

describe("users (admin)", () => {
  it("adds, changes, lists and removes users; never the last admin", async () => {
    const add = await t.app.inject({
      method: "POST",
      url: "/api/users",
      headers: admin.headers,
      payload: { name: "olga", role: "viewer", password: PASSWORD },
    });
    expect(add.statusCode).toBe(201);
    expect(add.json()).toMatchObject({ name: "olga", role: "viewer" });
    const dup = await t.app.inject({
      method: "POST",
      url: "/api/users",
      headers: admin.headers,
      payload: { name: "olga", role: "viewer", password: PASSWORD },
    });
    expect(dup.json().error.code).toBe("NAME-TAKEN");
    // The admin chose olga's password: she chooses her own before anything else.
    const olga = await login(t.app, "olga");
    const own = await t.app.inject({
      method: "POST",
      url: "/api/session/password",
      headers: olga.headers,
      payload: { currentPassword: PASSWORD, newPassword: "olga-chose-this" },
    });
    expect(own.json().mustChangePassword).toBe(false);
    const promote = await t.app.inject({
      method: "PATCH",
      url: "/api/users/olga",
      headers: admin.headers,
      payload: { role: "operator" },
    });
    expect(promote.json().role).toBe("operator");
    // The role counts at once, on the same session.
    expect(
      (
        await t.app.inject({
          method: "POST",
          url: "/api/profiles",
          headers: olga.headers,
          payload: { profile: t.env.profile },
        })
      ).statusCode,
    ).toBe(201);
    // A new password ends the user's sessions.
    await t.app.inject({
      method: "PATCH",
      url: "/api/users/olga",
      headers: admin.headers,
      payload: { password: "a-new-password" },
    });
    expect(
      (await t.app.inject({ url: "/api/session", headers: { cookie: olga.cookie } })).statusCode,
    ).toBe(401);
    const demoteSelf = await t.app.inject({
      method: "PATCH",
      url: "/api/users/ada",
      headers: admin.headers,
      payload: { role: "viewer" },
    });
    expect(demoteSelf.statusCode).toBe(409);
    expect(demoteSelf.json().error.code).toBe("LAST-ADMIN");
    expect(
      (await t.app.inject({ method: "DELETE", url: "/api/users/ada", headers: admin.headers }))
        .statusCode,
    ).toBe(409);
    expect(
      (await t.app.inject({ method: "DELETE", url: "/api/users/olga", headers: admin.headers }))
        .statusCode,
    ).toBe(204);
    expect(
      (
        await t.app.inject({ method: "DELETE", url: "/api/users/olga", headers: admin.headers })
      ).json().error.code,
    ).toBe("USER-NOT-FOUND");
    const list = await t.app.inject({ url: "/api/users", headers: admin.headers });
    expect(list.json().users.map((u: { name: string }) => u.name)).toEqual(["ada"]);
    expect(JSON.stringify(list.json())).not.toMatch(/hash|scrypt/);
  });

  it("refuses weak passwords and bad roles with the field's path", async () => {
    const weak = await t.app.inject({
      method: "POST",
      url: "/api/users",
      headers: admin.headers,
      payload: { name: "x", role: "viewer", password: "short" },
    });
    expect(weak.json().error).toMatchObject({ code: "BODY-INVALID", path: "password" });
    const role = await t.app.inject({
      method: "POST",
      url: "/api/users",
      headers: admin.headers,
      payload: { name: "x", role: "root", password: PASSWORD },
    });
    expect(role.json().error.path).toBe("role");
  });
});

describe("audit", () => {
  it("filters by user, action and time range, newest first", async () => {
    await addUser(t.app, "olga", "operator");
    const olga = await login(t.app, "olga");
    const before = new Date(Date.now() - 1000).toISOString();
    await t.app.inject({
      method: "POST",
      url: "/api/profiles",
      headers: olga.headers,
      payload: { profile: t.env.profile },
    });
    await t.app.inject({
      method: "POST",
      url: "/api/users",
      headers: admin.headers,
      payload: { name: "vera", role: "viewer", password: PASSWORD },
    });
    const byOlga = await t.app.inject({ url: "/api/audit?user=olga", headers: admin.headers });
    expect(byOlga.json().entries.map((e: { action: string }) => e.action)).toEqual([
      "profile.create",
      "session.login",
    ]);
    const adds = await t.app.inject({ url: "/api/audit?action=user.add", headers: admin.headers });
    expect(adds.json().entries).toMatchObject([{ user: "ada", target: "vera", result: "ok" }]);
    const future = await t.app.inject({
      url: `/api/audit?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      headers: admin.headers,
    });
    expect(future.json().entries).toEqual([]);
    const range = await t.app.inject({
      url: `/api/audit?from=${encodeURIComponent(before)}&to=${encodeURIComponent(new Date(Date.now() + 1000).toISOString())}`,
      headers: admin.headers,
    });
    expect(range.json().entries.length).toBeGreaterThanOrEqual(4);
    const bad = await t.app.inject({ url: "/api/audit?from=yesterday", headers: admin.headers });
    expect(bad.json().error).toMatchObject({ code: "BODY-INVALID", path: "querystring.from" });
  });
});
