// The database file: WAL, synchronous=FULL, numbered migrations, and a writer that dies in
// the middle of a transaction leaves the last committed state (tests may spawn the writer).
// eslint-disable-next-line no-restricted-imports -- a second process writes and is killed mid-transaction
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { parseProfile } from "@tessera/core";
import { openDatabase, SCHEMA_VERSION } from "./database";
import { ProfileStore } from "./profiles";
import { REPO } from "../../test/integration/helpers";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("database", () => {
  it("opens in WAL mode with full sync at the current schema, and refuses a newer schema", () => {
    dir = mkdtempSync(join(tmpdir(), "tessera-db-"));
    const db = openDatabase(dir);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("synchronous", { simple: true })).toBe(2);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openDatabase(dir)).toThrow(/newer than this agent knows/);
  });

  it("migrates an empty file written by nobody and keeps data across reopen", () => {
    dir = mkdtempSync(join(tmpdir(), "tessera-db-"));
    new Database(join(dir, "tessera.db")).close();
    const db = openDatabase(dir);
    const p = parseProfile({ schema: "tessera/profile@1", name: "kept", instances: [] });
    if (!p.ok) throw new Error("profile");
    const id = new ProfileStore(db).create(p.value, "a").id;
    db.close();
    const again = openDatabase(dir);
    expect(new ProfileStore(again).get(id)?.name).toBe("kept");
    again.close();
  });

  it("leaves the last committed state when a writer dies mid-transaction", async () => {
    dir = mkdtempSync(join(tmpdir(), "tessera-db-"));
    const db = openDatabase(dir);
    const p = parseProfile({ schema: "tessera/profile@1", name: "committed", instances: [] });
    if (!p.ok) throw new Error("profile");
    const store = new ProfileStore(db);
    const id = store.create(p.value, "a").id;
    db.close();
    const script = join(REPO, "apps/agent/test/integration/db-writer.ts");
    const signal = await new Promise<string | null>((resolve) =>
      execFile(
        process.execPath,
        ["--import", "tsx", script, dir, id, "1", "crash"],
        { cwd: join(REPO, "apps/agent") },
        (err) => resolve((err as { signal?: string } | null)?.signal ?? null),
      ),
    );
    expect(signal).toBe("SIGKILL");
    const after = openDatabase(dir);
    const s = new ProfileStore(after);
    expect(s.get(id)).toMatchObject({ version: 1, name: "committed" });
    expect(s.versions(id).map((v) => v.version)).toEqual([1]);
    // And the file takes writes again (no lock left behind).
    expect(s.update(id, 1, p.value, "b").ok).toBe(true);
    after.close();
  });
});
