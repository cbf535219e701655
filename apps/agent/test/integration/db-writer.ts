// A separate process that increments a counter kept in a profile's name N times through
// ProfileStore.update (compare-and-set on the version), retrying when it loses a race.
// Used by db/profiles.test.ts to prove that concurrent writers never lose an update.
import { parseProfile } from "@tessera/core";
import { openDatabase } from "../../src/db/database";
import { ProfileStore } from "../../src/db/profiles";

const [dir, id, countText, who] = process.argv.slice(2);
const db = openDatabase(dir!);
const store = new ProfileStore(db);
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
