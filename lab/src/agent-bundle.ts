// The agent as OS1 in the lab runs it: the project's own bundle (apps/agent/build/build.mjs,
// the one `npm ci` builds) in /tessera/dist, better-sqlite3's native module beside it, and
// the built web console. Under software emulation Node takes seconds to start; compiling
// TypeScript there would take minutes.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { LAB_CACHE, REPO } from "./paths";

export interface AgentBundle {
  /** Folder to copy into the guest as /tessera: dist/, node_modules/, web/. */
  dir: string;
}

/** better-sqlite3 (left out of the bundle: native) and what it requires at run time. */
const NATIVE = ["better-sqlite3", "bindings", "file-uri-to-path"];

export function buildAgentBundle(): AgentBundle {
  const dir = join(LAB_CACHE, "agent");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync(
    process.execPath,
    [join(REPO, "apps/agent/build/build.mjs"), "--outdir", join(dir, "dist")],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  for (const m of NATIVE) {
    const from = join(REPO, "node_modules", m);
    const to = join(dir, "node_modules", m);
    if (m === "better-sqlite3") {
      for (const part of ["package.json", "lib", "build/Release/better_sqlite3.node"])
        cpSync(join(from, part), join(to, part), { recursive: true });
    } else cpSync(from, to, { recursive: true });
  }
  const web = join(REPO, "apps", "web", "dist");
  if (!existsSync(join(web, "index.html")))
    execFileSync("npm", ["run", "build", "--workspace=@tessera/web"], {
      cwd: REPO,
      stdio: ["ignore", "ignore", "inherit"],
    });
  cpSync(web, join(dir, "web"), { recursive: true });
  return { dir };
}
