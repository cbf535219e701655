// The speed bench (not a pass/fail test): the real agent serving the built console with a
// 1024-CPU, 4096-device machine, driven by headless Chromium. Run: npm run bench -w @tessera/e2e
import { defineConfig } from "@playwright/test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bigMachineJson } from "./big-machine";

const root = resolve(import.meta.dirname, "../..");
const port = Number(process.env.TESSERA_BENCH_PORT ?? 7492);
process.env.TESSERA_BENCH_DIR ??= mkdtempSync(join(tmpdir(), "tessera-bench-"));
process.env.TESSERA_BENCH_PASSWORD ??= "bench-admin-password";
const machineFile = join(process.env.TESSERA_BENCH_DIR, "machine-1024.json");
writeFileSync(machineFile, JSON.stringify(bigMachineJson()));
const webRoot = process.env.TESSERA_E2E_WEB_ROOT;
const build = webRoot ? "" : "npm run build --workspace=@tessera/web --silent && ";

export default defineConfig({
  testDir: ".",
  testMatch: "*.bench.ts",
  workers: 1,
  timeout: 180_000,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1600, height: 1000 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
      ],
    },
  },
  webServer: {
    command:
      build +
      `node apps/agent/bin/tessera.mjs serve --port ${port} --data-dir ${join(process.env.TESSERA_BENCH_DIR, "data")} ` +
      `--machine ${machineFile} --web-root ${webRoot ?? join(root, "apps/web/dist")} --log-level warn`,
    cwd: root,
    url: `http://127.0.0.1:${port}/`,
    timeout: 120_000,
    reuseExistingServer: false,
    env: { TESSERA_ADMIN_PASSWORD: process.env.TESSERA_BENCH_PASSWORD },
    stdout: "ignore",
    stderr: "pipe",
  },
});
