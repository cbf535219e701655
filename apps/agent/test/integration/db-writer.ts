// A separate process that increments a counter kept in a profile's name N times through
// ProfileStore.update (compare-and-set on the version), retrying when it loses a race.
// Used by db/profiles.test.ts to prove that concurrent writers never lose an update.
import { parseProfile } from "@tessera/core";
import { openDatabase } from "../../src/db/database";
import { ProfileStore } from "../../src/db/profiles";

const [dir, id, countText, who] = process.argv.slice(2);
const db = openDatabase(dir!);
const store = new ProfileStore(db);
if (who === "crash") {
  // Writes a version inside a transaction and dies (SIGKILL) before the commit.
  db.exec("BEGIN IMMEDIATE");
  db.prepare("UPDATE profiles SET version = version + 1 WHERE id = ?").run(id);
  db.prepare(
    "INSERT INTO profile_versions(profile_id, version, name, body, updated_at, updated_by) SELECT id, version, 'half-written', '{}', 'now', 'crash' FROM profiles WHERE id = ?",
  ).run(id);
  process.kill(process.pid, "SIGKILL");
}
let stale = 0;
for (let i = 0; i < Number(countText);) {
  const cur = store.get(id!)!;
  const n = Number(cur.name.split(":")[1]) + 1;
  const next = parseProfile({ schema: "tessera/profile@1", name: `counter:${n}`, instances: [] });
  if (!next.ok) throw new Error("profile");
  const r = store.update(id!, cur.version, next.value, who!);
  if (r.ok) i++;
  else stale++;
}
db.close();
process.stdout.write(JSON.stringify({ stale }));
