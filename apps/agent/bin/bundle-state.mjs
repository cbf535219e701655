// Is the bundle in dist/ current? bin/tessera.mjs asks before every command, so this stays
// cheap: one stat per source file the bundle was built from (dist/inputs.json, written by
// build/build.mjs), no hashing, no esbuild.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Why the bundle in agentDir/dist cannot be used (missing, or a source is newer or gone),
 * or null when it is current. Sources are listed relative to repoDir.
 */
export function staleReason(agentDir, repoDir) {
  let built;
  let inputs;
  try {
    built = statSync(join(agentDir, "dist", "tessera.js")).mtimeMs;
    inputs = JSON.parse(readFileSync(join(agentDir, "dist", "inputs.json"), "utf8")).inputs;
  } catch {
    return "the bundle is not built";
  }
  for (const rel of inputs) {
    let mtime;
    try {
      mtime = statSync(join(repoDir, rel)).mtimeMs;
    } catch {
      return `${rel} is gone since the build`;
    }
    if (mtime > built) return `${rel} changed since the build`;
  }
  return null;
}
