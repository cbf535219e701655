// A damaged database is detected at start, never re-initialised over: a zero-length
// tessera.db beside the state of an agent that ran, a file damaged in its middle, a broken
// dry-run state file; and every migration is preceded by a backup. Real SQLite files.
import {
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
  closeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { parseProfile } from "@tessera/core";
import { DatabaseError, openDatabase, SCHEMA_VERSION } from "./database";
import { ProfileStore } from "./profiles";
import { UserStore } from "./users";
import { main } from "../cli/main";
import { memoryIo } from "../cli/io";
import { startServer } from "../server";
import { EXAMPLE_MACHINE, REPO, testEnv, type TestEnv } from "../../test/integration/helpers";

let dir: string;
let env: TestEnv | undefined;
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  env?.cleanup();
  env = undefined;
});

const example = () => {
  const p = parseProfile(JSON.parse(readFileSync(join(REPO, "examples/profile.json"), "utf8")));
  if (!p.ok) throw new Error("example profile");
  return p.value;
};

/** A database with enough rows to span many pages, closed (WAL checkpointed into the file). */
function populated(data: string): void {
  const db = openDatabase(data);
  const store = new ProfileStore(db);
  const p = example();
  for (let i = 0; i < 200; i++) store.create({ ...p, name: `profile-${i}` }, "ada");
  db.close();
}

async function serve(dataDir: string) {
  const io = memoryIo({});
  const code = await main(
    [
      "serve",
      "--machine",
      EXAMPLE_MACHINE,
      "--data-dir",
      dataDir,
      "--port",
      "0",
      "--web-root",
      join(dataDir, "no-web"),
    ],
    io,
  );
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

describe("a damaged database", () => {
  it("refuses a zero-length tessera.db beside a dry-run state: no fresh admin, no ghost instance", async () => {
    dir = mkdtempSync(join(tmpdir(), "tessera-db-"));
    const data = join(dir, "data");
    populated(data);
    writeFileSync(
      join(data, "dry-run-state.json"),
      JSON.stringify({ onlineCpus: [0], instances: {} }),
    );
    writeFileSync(join(data, "tessera.db"), ""); // truncated to zero, WAL gone
    const r = await serve(data);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${join(data, "tessera.db")} is empty`);
    expect(r.err).toContain("dry-run-state.json");
    expect(r.err).toMatch(/To restore: stop the agent, copy/);
    expect(r.out).not.toContain("Created user admin");
    // Nothing was written over it.
    expect(statSync(join(data, "tessera.db")).size).toBe(0);
  });

  it("still starts fresh from a zero-length tessera.db in an empty data dir", () => {
    dir = mkdtempSync(join(tmpdir(), "tessera-db-"));
    writeFileSync(join(dir, "tessera.db"), "");
    const db = openDatabase(dir);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it("refuses a file damaged in its middle, naming it and the newest backup", async () => {
    dir = mkdtempSync(join(tmpdir(), "tessera-db-"));
    const data = join(dir, "data");
    populated(data);
    const file = join(data, "tessera.db");
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(64 * 4096);
    // Overwrite pages in the middle with garbage, as a bad sector or a stray write would.
    const fd = openSync(file, "r+");
    const junk = Buffer.alloc(8 * 4096, 0xa5);
    writeSync(fd, junk, 0, junk.length, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    expect(() => openDatabase(data)).toThrow(DatabaseError);
    expect(() => openDatabase(data)).toThrow(`${file} is damaged`);
    const r = await serve(data);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file} is damaged`);
    expect(r.err).toContain("To restore");
  });

  it("refuses a file that is not a database at all", () => {
    dir = mkdtempSync(join(tmpdir(), "tessera-db-"));
    writeFileSync(join(dir, "tessera.db"), "this is not SQLite ".repeat(500));
    expect(() => openDatabase(dir)).toThrow(/tessera\.db is damaged \(file is not a database\)/);
  });

  it("names a broken dry-run state file and does not start", async () => {
    env = testEnv();
    dir = mkdtempSync(join(tmpdir(), "tessera-db-"));
    populated(env.config.dataDir);
    const state = join(env.config.dataDir, "dry-run-state.json");
    writeFileSync(state, '{"onlineCpus": [0, 1], "instances": {"os2": ');
    await expect(
      startServer(env.config, { out: () => {}, err: () => {}, env: {} }),
    ).rejects.toThrow(`${state}: the dry-run loader's state cannot be read`);
  });
});

describe("migrations", () => {
  it("3: adds the must-change-password mark, unset for the users that already exist", () => {
    dir = mkdtempSync(join(tmpdir(), "tessera-db-"));
    const db = openDatabase(dir);
    // What an agent of schema 2 left: the users table without the column, one user in it.
    db.exec("ALTER TABLE users DROP COLUMN must_change_password;");
    db.prepare("INSERT INTO users(name, role, hash, created_at) VALUES (?, ?, ?, ?)").run(
      "ada",
      "admin",
      "scrypt$x",
      "2026-01-01T00:00:00.000Z",
    );
    db.pragma("user_version = 2");
    db.close();
    const again = openDatabase(dir);
    expect(again.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const users = new UserStore(again);
    expect(users.get("ada")).toMatchObject({ role: "admin", mustChangePassword: false });
    expect(users.add("olga", "operator", "scrypt$y", true)).toBe(true);
    expect(users.get("olga")!.mustChangePassword).toBe(true);
    again.close();
  });

  it("back the database up before migrating it, and the backup holds the data", () => {
    dir = mkdtempSync(join(tmpdir(), "tessera-db-"));
    const db = openDatabase(dir);
    const id = new ProfileStore(db).create(example(), "ada").id;
    // Back to schema 1: what an older agent left.
    db.exec(
      "DROP TABLE instance_phases; DROP TABLE instance_log; ALTER TABLE users DROP COLUMN must_change_password;",
    );
    db.pragma("user_version = 1");
    db.close();
    const at = Date.UTC(2026, 10, 30, 12, 0, 0);
    const again = openDatabase(dir, () => at);
    expect(again.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    again.close();
    const backups = readdirSync(join(dir, "backups"));
    expect(backups).toEqual(["tessera-schema1-2026-11-30T12-00-00-000Z.db"]);
    const copy = new Database(join(dir, "backups", backups[0]!), { readonly: true });
    expect(copy.pragma("user_version", { simple: true })).toBe(1);
    expect(new ProfileStore(copy).get(id)?.name).toBe("seed-three-way");
    copy.close();
    // A fresh database has nothing to back up.
    const fresh = mkdtempSync(join(tmpdir(), "tessera-db-"));
    openDatabase(fresh).close();
    expect(existsSync(join(fresh, "backups"))).toBe(false);
    rmSync(fresh, { recursive: true, force: true });
  });
});
