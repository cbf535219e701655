// Every package in package-lock.json must run on the oldest Node the root package.json
// admits. npm only warns (EBADENGINE) when one does not, and the warning scrolls by in the
// middle of `npm ci`; this check makes it a lint failure that names the package.
//
//   node scripts/check-engines.mjs [path/to/package-lock.json]
//
// Exit 0 when every `engines.node` admits the floor, 1 with one line per package that does
// not, 2 when the lock or the root range cannot be read.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import semver from "semver";

/**
 * The packages whose `engines.node` does not admit `floor`.
 * @param {{ packages?: Record<string, { version?: string, engines?: { node?: string } }> }} lock
 * @param {string} floor a Node version such as "20.19.0"
 * @returns {{ path: string, version: string, wants: string }[]}
 */
export function enginesMismatches(lock, floor) {
  const refused = [];
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    const wants = entry.engines?.node;
    // The root entry ("") is the project itself; workspaces are ours and follow the root.
    if (path === "" || wants === undefined || !path.includes("node_modules/")) continue;
    const valid = semver.validRange(wants);
    if (valid === null || !semver.satisfies(floor, valid)) {
      refused.push({ path, version: entry.version ?? "(no version)", wants });
    }
  }
  return refused;
}

/** The oldest Node version the root package.json's `engines.node` admits. */
export function nodeFloor(rootPackage, where) {
  const range = rootPackage.engines?.node;
  if (typeof range !== "string") throw new Error(`${where}: no "engines.node" to check against`);
  const floor = semver.minVersion(range);
  if (floor === null) throw new Error(`${where}: "engines.node" is not a version range: ${range}`);
  return floor.version;
}

function main() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const lockPath = resolve(process.argv[2] ?? join(root, "package-lock.json"));
  const rootPath = join(dirname(lockPath), "package.json");
  let floor;
  let lock;
  try {
    floor = nodeFloor(JSON.parse(readFileSync(rootPath, "utf8")), rootPath);
    lock = JSON.parse(readFileSync(lockPath, "utf8"));
  } catch (error) {
    console.error(`check-engines: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const refused = enginesMismatches(lock, floor);
  if (refused.length === 0) {
    console.log(`check-engines: every package in ${lockPath} runs on Node ${floor}`);
    return 0;
  }
  console.error(
    `check-engines: ${refused.length} package(s) in ${lockPath} refuse Node ${floor}, ` +
      `the oldest the root package.json admits (pin a version that does in "overrides"):`,
  );
  for (const r of refused) console.error(`  ${r.path}@${r.version} wants node ${r.wants}`);
  return 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
