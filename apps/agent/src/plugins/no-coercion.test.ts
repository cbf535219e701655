// No part of a request is coerced to the type its schema wants: a one-element array is not a
// string, a number is not a password or a boolean, and query numbers are decimal digits
// within their bounds ("1e400" is not Infinity).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addUser,
  login,
  PASSWORD,
  testApp,
  type Login,
  type TestApp,
} from "../../test/integration/helpers";

let t: TestApp;
let admin: Login;

beforeAll(async () => {
  t = await testApp();
  await addUser(t.app, "ada", "admin");
  admin = await login(t.app, "ada");
});
afterAll(async () => {
  await t.app.close();
  t.env.cleanup();
});

const bad = (res: { statusCode: number; json(): { error: { code: string; path?: string } } }) => {
  expect(res.statusCode).toBe(400);
  return res.json().error;
};

describe("no type coercion", () => {
  it("refuses an array for the user name and a number for the password", async () => {
    const asArray = await t.app.inject({
      method: "POST",
      url: "/api/session",
      payload: { username: ["ada"], password: PASSWORD },
    });
    expect(bad(asArray)).toMatchObject({ code: "BODY-INVALID", path: "username" });
    const asNumber = await t.app.inject({
      method: "POST",
      url: "/api/session",
      payload: { username: "ada", password: 12345 },
    });
    expect(bad(asNumber)).toMatchObject({ code: "BODY-INVALID", path: "password" });
  });

  it("refuses an array for a role and a number for a boolean", async () => {
    const role = await t.app.inject({
      method: "POST",
      url: "/api/users",
      headers: admin.headers,
      payload: { name: "eve", role: ["admin"], password: "long enough password" },
    });
    expect(bad(role)).toMatchObject({ code: "BODY-INVALID", path: "role" });
    expect(t.app.tessera.users.get("eve")).toBeUndefined();
    const oneTime = await t.app.inject({
      method: "POST",
      url: "/api/grub/install",
      headers: admin.headers,
      payload: { oneTime: 1 },
    });
    expect(bad(oneTime)).toMatchObject({ code: "BODY-INVALID", path: "oneTime" });
  });

  it.each([
    ["/api/audit?limit=1e400", "querystring.limit"],
    ["/api/audit?limit=1.5", "querystring.limit"],
    ["/api/audit?limit=0x10", "querystring.limit"],
    ["/api/audit?limit=0", "querystring.limit"],
    ["/api/audit?limit=1001", "querystring.limit"],
    ["/api/audit?limit=-1", "querystring.limit"],
    ["/api/instances/os2/log?since=1e400", "querystring.since"],
    ["/api/profiles/x/diff?from=1e400&to=1", "querystring.from"],
    ["/api/profiles/x/versions/1e400", "params.v"],
  ])("answers %s with 400 naming %s", async (url, path) => {
    const res = await t.app.inject({ url, headers: admin.headers });
    expect(bad(res)).toMatchObject({ code: "BODY-INVALID", path });
  });

  it("still reads plain decimal numbers in queries and paths", async () => {
    const res = await t.app.inject({ url: "/api/audit?limit=2", headers: admin.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().entries.length).toBeLessThanOrEqual(2);
  });
});
