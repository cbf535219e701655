// A password someone else set must be replaced by its user before the account can do
// anything: the agent as `tessera serve` starts it (its printed one-time password), on
// loopback, with its SQLite file in a temporary data dir.
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import {
  EXAMPLE_MACHINE,
  openLive,
  testEnv,
  type Login,
  type TestEnv,
} from "../../../../test/integration/helpers";
import { startServer, type Started } from "../../../server";

let env: TestEnv | undefined;
let started: Started | undefined;
afterEach(async () => {
  await started?.app.close();
  env?.cleanup();
  started = undefined;
  env = undefined;
});

async function serve(adminPassword?: string, loginRateLimit = 10): Promise<string> {
  env = testEnv();
  const out: string[] = [];
  started = await startServer(
    { ...env.config, port: 0, machineFile: EXAMPLE_MACHINE, logLevel: "error", loginRateLimit },
    {
      out: (s) => out.push(s),
      err: () => undefined,
      env: adminPassword ? { TESSERA_ADMIN_PASSWORD: adminPassword } : {},
    },
  );
  return /One-time password: (\S+)/.exec(out.join("\n"))?.[1] ?? "";
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of several shapes, read field by field
type Answer = { status: number; json: Record<string, any>; login: Login };

async function call(
  method: string,
  path: string,
  as: Login | null,
  body?: unknown,
): Promise<Answer> {
  const res = await fetch(started!.url + path, {
    method,
    headers: {
      ...(as ? as.headers : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  const csrf = typeof json.csrfToken === "string" ? json.csrfToken : "";
  return {
    status: res.status,
    json,
    login: { cookie, csrf, headers: { cookie, "x-csrf-token": csrf } },
  };
}

const signIn = (username: string, password: string) =>
  call("POST", "/api/session", null, { username, password });

function auditRows(action: string) {
  return started!.app.tessera.audit
    .query({ action })
    .map((e) => [e.user, e.target, e.result, e.detail])
    .reverse();
}

/** The flag as the database file holds it, read through a second connection. */
function flagInFile(name: string): number {
  const db = new Database(join(env!.config.dataDir, "tessera.db"), { readonly: true });
  try {
    const row = db.prepare("SELECT must_change_password AS m FROM users WHERE name = ?").get(name);
    return (row as { m: number }).m;
  } finally {
    db.close();
  }
}

describe("the printed one-time admin password", () => {
  it("signs in to a session that may only read itself, sign out and choose a new password", async () => {
    const oneTime = await serve();
    expect(oneTime).toMatch(/^\S{20}$/);
    expect(flagInFile("admin")).toBe(1);

    const first = await signIn("admin", oneTime);
    expect(first.status).toBe(200);
    expect(first.json.mustChangePassword).toBe(true);
    const a = first.login;
    expect((await call("GET", "/api/session", a)).json.mustChangePassword).toBe(true);

    // Everything else is refused with the registered code, its hint, and an audit row.
    const read = await call("GET", "/api/machine?x=1", a);
    expect(read.status).toBe(403);
    expect(read.json.error.code).toBe("PASSWORD-CHANGE-REQUIRED");
    expect(read.json.error.hint).toContain("POST /api/session/password");
    const write = await call("POST", "/api/users", a, {
      name: "eve",
      role: "admin",
      password: "eve-password",
    });
    expect(write.status).toBe(403);
    expect(write.json.error.code).toBe("PASSWORD-CHANGE-REQUIRED");
    expect(started!.app.tessera.users.get("eve")).toBeUndefined();
    // The CSRF check still comes first: a forged request is not even told about the password.
    const forged = await call("POST", "/api/users", { ...a, headers: { cookie: a.cookie } }, {});
    expect(forged.json.error.code).toBe("CSRF-MISMATCH");

    // The live connection is opened only to say why, then closed with 4403.
    const live = await openLive(started!.url, a);
    expect(await live.closed).toBe(4403);
    expect(live.messages).toEqual([
      { type: "error", code: "PASSWORD-CHANGE-REQUIRED", message: expect.any(String) },
    ]);
    expect(auditRows("access.denied")).toEqual([
      [
        "admin",
        "GET /api/machine",
        "password-change-required",
        "admin must choose a new password first",
      ],
      [
        "admin",
        "POST /api/users",
        "password-change-required",
        "admin must choose a new password first",
      ],
      [
        "admin",
        "GET /api/ws",
        "password-change-required",
        "admin must choose a new password first",
      ],
    ]);

    // A second session of the same admin, ended by the change below.
    const other = (await signIn("admin", oneTime)).login;

    const wrong = await call("POST", "/api/session/password", a, {
      currentPassword: "not-the-one-time-password",
      newPassword: "admin-chosen-pw",
    });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error).toMatchObject({ code: "PASSWORD-WRONG", path: "currentPassword" });
    const same = await call("POST", "/api/session/password", a, {
      currentPassword: oneTime,
      newPassword: oneTime,
    });
    expect(same.status).toBe(400);
    expect(same.json.error).toMatchObject({ code: "PASSWORD-UNCHANGED", path: "newPassword" });
    const short = await call("POST", "/api/session/password", a, {
      currentPassword: oneTime,
      newPassword: "short",
    });
    expect(short.status).toBe(400);
    expect(short.json.error).toMatchObject({ code: "BODY-INVALID", path: "newPassword" });
    expect(flagInFile("admin")).toBe(1);

    const changed = await call("POST", "/api/session/password", a, {
      currentPassword: oneTime,
      newPassword: "admin-chosen-pw",
    });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ user: { name: "admin" }, mustChangePassword: false });
    expect(changed.json.csrfToken).toBe(a.csrf);
    expect(flagInFile("admin")).toBe(0);
    expect(auditRows("session.password")).toEqual([
      ["admin", "admin", "failed", "wrong current password"],
      ["admin", "admin", "refused", "the new password is the current one"],
      ["admin", "admin", "ok", "replaced a password set by someone else"],
    ]);

    // This session now reaches everything, the live stream included; the other one ended.
    expect((await call("GET", "/api/machine", a)).status).toBe(200);
    expect((await call("GET", "/api/session", a)).json.mustChangePassword).toBe(false);
    const open = await openLive(started!.url, a);
    await new Promise((r) => setTimeout(r, 100));
    expect(open.messages[0]).toMatchObject({ type: "snapshot" });
    open.ws.close();
    expect((await call("GET", "/api/session", other)).json.error.code).toBe("AUTH-REQUIRED");

    // The one-time password is gone, the chosen one signs in to an ordinary session.
    expect((await signIn("admin", oneTime)).status).toBe(401);
    const again = await signIn("admin", "admin-chosen-pw");
    expect(again.status).toBe(200);
    expect(again.json.mustChangePassword).toBe(false);
  });

  it("lets a bound session sign out", async () => {
    const oneTime = await serve();
    const a = (await signIn("admin", oneTime)).login;
    expect((await call("DELETE", "/api/session", a)).status).toBe(204);
    expect((await call("GET", "/api/session", a)).json.error.code).toBe("AUTH-REQUIRED");
  });

  it("counts wrong current passwords like failed sign-ins", async () => {
    const oneTime = await serve(undefined, 2);
    const a = (await signIn("admin", oneTime)).login;
    const guess = () =>
      call("POST", "/api/session/password", a, {
        currentPassword: "guess-guess",
        newPassword: "admin-chosen-pw",
      });
    expect((await guess()).status).toBe(403);
    expect((await guess()).status).toBe(403);
    expect((await guess()).json.error.code).toBe("RATE-LIMITED");
    expect(auditRows("session.password").map((r) => r[2])).toEqual([
      "failed",
      "failed",
      "rate-limited",
    ]);
  });

  it("is not asked of an admin password the installer gave in TESSERA_ADMIN_PASSWORD", async () => {
    await serve("installer-chose-this");
    expect(flagInFile("admin")).toBe(0);
    const a = await signIn("admin", "installer-chose-this");
    expect(a.json.mustChangePassword).toBe(false);
    expect((await call("GET", "/api/machine", a.login)).status).toBe(200);
  });
});

describe("a password an admin sets for someone else", () => {
  it("binds its user to choose their own at the next sign-in; the admin's own does not", async () => {
    await serve("admin-password");
    const admin = (await signIn("admin", "admin-password")).login;
    const add = await call("POST", "/api/users", admin, {
      name: "olga",
      role: "operator",
      password: "set-by-admin",
    });
    expect(add.status).toBe(201);
    expect(flagInFile("olga")).toBe(1);
    const olga = await signIn("olga", "set-by-admin");
    expect(olga.json.mustChangePassword).toBe(true);
    expect((await call("GET", "/api/profiles", olga.login)).status).toBe(403);
    const chosen = await call("POST", "/api/session/password", olga.login, {
      currentPassword: "set-by-admin",
      newPassword: "olga-chose-this",
    });
    expect(chosen.json.mustChangePassword).toBe(false);
    expect((await call("GET", "/api/profiles", olga.login)).status).toBe(200);

    // The reset: ends olga's session, and she must choose again.
    const reset = await call("PATCH", "/api/users/olga", admin, { password: "reset-by-admin" });
    expect(reset.status).toBe(200);
    expect(flagInFile("olga")).toBe(1);
    expect((await call("GET", "/api/session", olga.login)).status).toBe(401);
    const back = await signIn("olga", "reset-by-admin");
    expect(back.json.mustChangePassword).toBe(true);
    expect((await call("GET", "/api/profiles", back.login)).json.error.code).toBe(
      "PASSWORD-CHANGE-REQUIRED",
    );

    // The Users list says who must still choose.
    const list = (await call("GET", "/api/users", admin)).json.users as unknown[];
    expect(list).toEqual([
      expect.objectContaining({ name: "admin", mustChangePassword: false }),
      expect.objectContaining({ name: "olga", mustChangePassword: true }),
    ]);

    // A role change alone leaves the mark as it is; the admin's own new password is theirs.
    await call("PATCH", "/api/users/olga", admin, { role: "viewer" });
    expect(flagInFile("olga")).toBe(1);
    const own = await call("PATCH", "/api/users/admin", admin, { password: "admin-new-pw" });
    expect(own.status).toBe(200);
    expect(flagInFile("admin")).toBe(0);

    expect(auditRows("user.add")).toContainEqual([
      "admin",
      "olga",
      "ok",
      "operator, must choose a new password",
    ]);
    expect(auditRows("user.update")).toEqual([
      ["admin", "olga", "ok", "password,must choose a new password"],
      ["admin", "olga", "ok", "role"],
      ["admin", "admin", "ok", "password"],
    ]);
  });
});
