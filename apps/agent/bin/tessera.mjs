#!/usr/bin/env node
// The tessera CLI. The agent runs from its TypeScript sources through tsx, so a fresh
// `npm ci` is enough to run `npx tessera …` from the repository root (no build step).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
