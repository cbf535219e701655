#!/usr/bin/env node
// The tessera CLI. It runs the esbuild bundle in ../dist (built by `npm ci` through the
// root's prepare script, or `npm run build -w @tessera/agent`): plain Node, no TypeScript
// compiler at start-up. It runs the TypeScript sources through tsx instead when
// TESSERA_FROM_SOURCE=1, or when the bundle is missing or older than a source it was built
// from, so a developer's edit is never hidden behind a stale bundle.
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { staleReason } from "./bundle-state.mjs";

const agentDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const why =
  process.env.TESSERA_FROM_SOURCE === "1"
    ? "TESSERA_FROM_SOURCE=1"
    : staleReason(agentDir, join(agentDir, "..", ".."));
if (why) {
  // Only a person at a terminal hears about it; scripts and tests get the same output as ever.
  if (!process.env.TESSERA_FROM_SOURCE && process.stderr.isTTY)
    process.stderr.write(
      `tessera: running from sources (${why}); npm run build -w @tessera/agent makes it start fast\n`,
    );
  const { register } = await import("tsx/esm/api");
  register();
  const { main } = await import("../src/cli/main.ts");
  process.exitCode = await main(process.argv.slice(2));
} else {
  await import(pathToFileURL(join(agentDir, "dist", "tessera.js")).href);
}
