// Browser journeys against the real agent (dry-run loader, the example machine) with
// Debian's Chromium. The web console is built first and served by the agent itself.
import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const port = Number(process.env.TESSERA_E2E_PORT ?? 7491);
// Set once in the runner; workers inherit the environment.
process.env.TESSERA_E2E_DATA ??= mkdtempSync(join(tmpdir(), "tessera-e2e-"));
process.env.TESSERA_E2E_PASSWORD ??= "e2e-admin-password";
const machine = process.env.TESSERA_E2E_MACHINE ?? join(root, "examples/machine.json");
// TESSERA_E2E_WEB_ROOT: serve an already built console from there instead of building one.
const webRoot = process.env.TESSERA_E2E_WEB_ROOT;
const build = webRoot ? "" : "npm run build --workspace=@tessera/web --silent && ";

export default defineConfig({
  testDir: "./tests",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
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
    trace: "off",
  },
  webServer: {
    command:
      build +
      `node apps/agent/bin/tessera.mjs serve --port ${port} --data-dir ${process.env.TESSERA_E2E_DATA} ` +
      `--machine ${machine} --web-root ${webRoot ?? join(root, "apps/web/dist")} --loader dry-run --log-level warn`,
    cwd: root,
    url: `http://127.0.0.1:${port}/`,
    timeout: 120_000,
    reuseExistingServer: false,
    env: { TESSERA_ADMIN_PASSWORD: process.env.TESSERA_E2E_PASSWORD },
    stdout: "ignore",
    stderr: "pipe",
  },
});
