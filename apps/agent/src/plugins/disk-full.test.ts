// A full disk: the real SQLite file refuses to grow (PRAGMA max_page_count, the same
// SQLITE_FULL a full file system gives). Saves and logins answer 507 STORAGE-FULL with words
// and a hint, never 500, and every save acknowledged before is still there afterwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addUser,
  operatorApp,
  PASSWORD,
  type Login,
  type TestApp,
} from "../../test/integration/helpers";
import { ERRORS } from "../errors";

let t: TestApp;
let op: Login;

beforeAll(async () => {
  ({ t, op } = await operatorApp());
  await addUser(t.app, "vera", "viewer");
});
afterAll(async () => {
  await t.app.close();
  t.env.cleanup();
});

const save = (name: string) =>
  t.app.inject({
    method: "POST",
    url: "/api/profiles",
    headers: op.headers,
    payload: { profile: { ...t.env.profile, name } },
  });

describe("a full disk", () => {
  it("answers saves and logins with 507 STORAGE-FULL and loses nothing acknowledged", async () => {
    const db = t.app.tessera.db;
    const acknowledged: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await save(`before-${i}`);
      expect(r.statusCode).toBe(201);
      acknowledged.push(r.json().id as string);
    }
    const pages = db.pragma("page_count", { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    // Fill the last free pages, then every further save fails.
    let full = await save("filler-0");
    for (let i = 1; full.statusCode === 201 && i < 500; i++) {
      acknowledged.push(full.json().id as string);
      full = await save(`filler-${i}`);
    }
    expect(full.statusCode).toBe(507);
    expect(full.json().error).toEqual({
      code: "STORAGE-FULL",
      message: ERRORS["STORAGE-FULL"].message,
      hint: expect.stringContaining("free space"),
    });
    // Other users' sessions take the room left in their pages (straight into the file, as
    // many logins would); then a login cannot store its own.
    const other = db.prepare(
      "INSERT INTO sessions (id, user, csrf, created_at, expires_at) VALUES (?, 'vera', 'x', 0, ?)",
    );
    expect(() => {
      for (let i = 0; i < 100_000; i++) other.run(`filler-${i}`, Date.now() + 3600_000);
    }).toThrow(/full/);
    const login = await t.app.inject({
      method: "POST",
      url: "/api/session",
      payload: { username: "vera", password: PASSWORD },
    });
    expect(login.statusCode).toBe(507);
    expect(login.json().error.code).toBe("STORAGE-FULL");

    db.pragma("max_page_count = 1073741823");
    const list = await t.app.inject({ url: "/api/profiles", headers: op.headers });
    const ids = new Set((list.json().profiles as { id: string; name: string }[]).map((p) => p.id));
    for (const id of acknowledged) expect(ids.has(id), id).toBe(true);
    expect(list.json().profiles.length).toBe(acknowledged.length);
    expect((await save("after")).statusCode).toBe(201);
  });
});
