import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase } from "../db/database";
import { UserStore } from "../db/users";
import { AuditLog } from "../db/audit";
import { verifyPassword } from "../auth/password";
import { memoryIo } from "./io";
import { run } from "./user";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tessera-user-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function io(env: Record<string, string> = {}) {
  const m = memoryIo();
  m.env = env;
  return m;
}

describe("tessera user", () => {
  it("adds, changes the password of, lists and removes users in the agent's database", async () => {
    const a = io({ TESSERA_PASSWORD: "first-password" });
    expect(await run(["add", "ada", "--role", "admin", "--data-dir", dir], a)).toBe(0);
    const b = io();
    expect(await run(["add", "olga", "--role", "operator", "--data-dir", dir], b)).toBe(0);
    const generated = /Password: (\S+)/.exec(b.stdout.join(""))![1]!;
    // it says where it wrote
    expect(a.stdout.join("")).toContain(`Added ada (admin) in ${dir}.`);
    const db = openDatabase(dir);
    const users = new UserStore(db);
    expect(await verifyPassword("first-password", users.get("ada")!.hash)).toBe(true);
    expect(await verifyPassword(generated, users.get("olga")!.hash)).toBe(true);
    expect(
      await run(["passwd", "olga", "--data-dir", dir], io({ TESSERA_PASSWORD: "second-password" })),
    ).toBe(0);
    expect(await verifyPassword("second-password", users.get("olga")!.hash)).toBe(true);
    const l = io();
    await run(["list", "--data-dir", dir], l);
    expect(l.stdout.map((s) => s.split("\t").slice(0, 2).join(" "))).toEqual([
      "ada admin",
      "olga operator",
    ]);
    expect(await run(["remove", "ada", "--data-dir", dir], io())).toBe(1); // the last admin
    expect(await run(["remove", "olga", "--data-dir", dir], io())).toBe(0);
    expect(users.list().map((u) => u.name)).toEqual(["ada"]);
    db.close();
  });

  it("audits through the agent's UserService: each change and each refusal, as the API does", async () => {
    const env = { TESSERA_PASSWORD: "first-password", USER: "root" };
    expect(await run(["add", "ada", "--role", "admin", "--data-dir", dir], io(env))).toBe(0);
    expect(await run(["add", "ada", "--role", "viewer", "--data-dir", dir], io(env))).toBe(1);
    const last = io(env);
    expect(await run(["remove", "ada", "--data-dir", dir], last)).toBe(1);
    expect(last.stderr.join("")).toBe("tessera user remove: ada is the last admin");
    const db = openDatabase(dir);
    const entries = new AuditLog(db).query({});
    db.close();
    expect(entries.map((e) => [e.user, e.action, e.target, e.result, e.detail]).reverse()).toEqual([
      ["cli:root", "user.add", "ada", "ok", "admin, must choose a new password"],
      ["cli:root", "user.add", "ada", "refused", "viewer, must choose a new password"],
      ["cli:root", "user.remove", "ada", "last-admin", null],
    ]);
  });

  it("binds the user to choose their own password at sign-in, unless --permanent", async () => {
    const env = { TESSERA_PASSWORD: "set-at-the-terminal" };
    const added = io(env);
    expect(await run(["add", "ada", "--role", "admin", "--data-dir", dir], added)).toBe(0);
    expect(added.stdout.join("")).toContain("ada chooses a new password at the next sign-in.");
    expect(
      await run(["add", "bot", "--role", "viewer", "--permanent", "--data-dir", dir], io(env)),
    ).toBe(0);
    const db = openDatabase(dir);
    const users = new UserStore(db);
    expect(users.get("ada")!.mustChangePassword).toBe(true);
    expect(users.get("bot")!.mustChangePassword).toBe(false);
    const listed = io();
    await run(["list", "--data-dir", dir], listed);
    expect(listed.stdout.map((l) => l.split("\t").slice(3).join(" "))).toEqual([
      "must choose a new password",
      "",
    ]);
    // passwd: the same rule, and --permanent clears the mark
    expect(await run(["passwd", "bot", "--data-dir", dir], io(env))).toBe(0);
    expect(users.get("bot")!.mustChangePassword).toBe(true);
    expect(await run(["passwd", "ada", "--permanent", "--data-dir", dir], io(env))).toBe(0);
    expect(users.get("ada")!.mustChangePassword).toBe(false);
    db.close();
  });

  it("refuses bad usage with exit 2", async () => {
    expect(await run(["add", "x", "--data-dir", dir], io())).toBe(2); // no role
    expect(await run(["add", "bad name", "--role", "viewer", "--data-dir", dir], io())).toBe(2);
    expect(await run(["frobnicate"], io())).toBe(2);
    expect(
      await run(
        ["add", "short", "--role", "viewer", "--data-dir", dir],
        io({ TESSERA_PASSWORD: "short" }),
      ),
    ).toBe(2);
  });
});
