// The speed bench (not a pass/fail test): the real agent serving the built console with a
// 1024-CPU, 4096-device machine, driven by headless Chromium. Run: npm run bench -w @tessera/e2e
import { defineConfig } from "@playwright/test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bigMachineJson } from "./big-machine";
import { agentWebServer, chromiumLaunch } from "../support/playwright-shared";

const port = Number(process.env.TESSERA_BENCH_PORT ?? 7492);
process.env.TESSERA_BENCH_DIR ??= mkdtempSync(join(tmpdir(), "tessera-bench-"));
process.env.TESSERA_BENCH_PASSWORD ??= "bench-admin-password";
const machineFile = join(process.env.TESSERA_BENCH_DIR, "machine-1024.json");
writeFileSync(machineFile, JSON.stringify(bigMachineJson()));

export default defineConfig({
  testDir: ".",
  testMatch: "*.bench.ts",
  workers: 1,
  timeout: 180_000,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1600, height: 1000 },
    launchOptions: chromiumLaunch,
  },
  webServer: agentWebServer({
    port,
    dataDir: join(process.env.TESSERA_BENCH_DIR, "data"),
    machine: machineFile,
    password: process.env.TESSERA_BENCH_PASSWORD,
  }),
});
