// Concurrent writers never lose an update: three processes increment one counter through
// the version compare-and-set on one SQLite file (tests may spawn: these are the writers).
// eslint-disable-next-line no-restricted-imports -- a second process writes the same SQLite file
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseProfile } from "@tessera/core";
import { openDatabase } from "./database";
import { ProfileStore } from "./profiles";
import { AuditLog } from "./audit";
import { REPO } from "../../test/integration/helpers";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function counterProfile(n: number) {
  const r = parseProfile({ schema: "tessera/profile@1", name: `counter:${n}`, instances: [] });
  if (!r.ok) throw new Error("profile");
  return r.value;
}

function writer(id: string, count: number, who: string): Promise<{ stale: number }> {
  const script = join(REPO, "apps/agent/test/integration/db-writer.ts");
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ["--import", "tsx", script, dir, id, String(count), who],
      { cwd: join(REPO, "apps/agent"), timeout: 60_000 },
      (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout))),
    ),
  );
}

describe("profile store", () => {
  it("refuses the second of two updates based on the same version", () => {
    dir = mkdtempSync(join(tmpdir(), "tessera-db-"));
    const a = new ProfileStore(openDatabase(dir));
    const b = new ProfileStore(openDatabase(dir)); // another connection to the same file
    const rec = a.create(counterProfile(0), "a");
    expect(a.update(rec.id, 1, counterProfile(1), "a").ok).toBe(true);
    const lost = b.update(rec.id, 1, counterProfile(2), "b");
    expect(lost).toMatchObject({
      ok: false,
      reason: "stale",
      current: { version: 2, name: "counter:1", updatedBy: "a" },
    });
  });

  it("loses no update with three processes writing at once", async () => {
    dir = mkdtempSync(join(tmpdir(), "tessera-db-"));
    const db = openDatabase(dir);
    const store = new ProfileStore(db);
    const rec = store.create(counterProfile(0), "setup");
    const results = await Promise.all([
      writer(rec.id, 40, "w1"),
      writer(rec.id, 40, "w2"),
      writer(rec.id, 40, "w3"),
    ]);
    const final = store.get(rec.id)!;
    expect(final.name).toBe("counter:120");
    expect(final.version).toBe(121);
    const versions = store.versions(rec.id).map((v) => v.version);
    expect(versions).toEqual(Array.from({ length: 121 }, (_, i) => 121 - i));
    // Every version holds the counter value of its position: no write was based on a stale read.
    expect(store.version(rec.id, 60)!.name).toBe("counter:59");
    expect(results.every((r) => typeof r.stale === "number")).toBe(true);
    db.close();
  }, 90_000);

  it("keeps the audit log append-only", () => {
    dir = mkdtempSync(join(tmpdir(), "tessera-db-"));
    const db = openDatabase(dir);
    const audit = new AuditLog(db);
    audit.record({ user: "ada", action: "profile.create", result: "ok" });
    expect(() => db.prepare("UPDATE audit SET result = 'forged'").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM audit").run()).toThrow(/append-only/);
    expect(audit.query({}).map((e) => e.result)).toEqual(["ok"]);
    db.close();
  });
});
