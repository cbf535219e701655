// The agent as OS1 in the lab runs it: one JavaScript file (esbuild bundle of the CLI) plus
// better-sqlite3's native module, with the built web console beside it. Under software
// emulation Node takes seconds to start; compiling TypeScript there would take minutes.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LAB_CACHE, REPO } from "./paths";

export interface AgentBundle {
  /** Folder to copy into the guest: tessera.mjs, node_modules/, web/. */
  dir: string;
  entry: string;
}

const NATIVE = ["better-sqlite3", "bindings", "file-uri-to-path"];

export function buildAgentBundle(): AgentBundle {
  const dir = join(LAB_CACHE, "agent");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, "tessera.mjs");
  const main = join(dir, "entry.mjs");
  writeFileSync(
    main,
    `import { main } from ${JSON.stringify(join(REPO, "apps/agent/src/cli/main.ts"))};\n` +
      "process.exitCode = await main(process.argv.slice(2));\n",
  );
  execFileSync(
    join(REPO, "node_modules", ".bin", "esbuild"),
    [
      main,
      "--bundle",
      "--platform=node",
      "--format=esm",
      "--target=node20",
      "--log-level=error",
      `--outfile=${entry}`,
      ...NATIVE.map((m) => `--external:${m}`),
      // Bundled CommonJS dependencies still call require().
      "--banner:js=import { createRequire as __tesseraRequire } from 'node:module'; const require = __tesseraRequire(import.meta.url);",
    ],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  rmSync(main);
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
  return { dir, entry };
}
