// Browser journeys against the real agent (dry-run loader, the example machine) with
// Debian's Chromium. The web console is built first and served by the agent itself.
import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agentWebServer, chromiumLaunch, REPO } from "./support/playwright-shared";

const port = Number(process.env.TESSERA_E2E_PORT ?? 7491);
// Set once in the runner; workers inherit the environment.
process.env.TESSERA_E2E_DATA ??= mkdtempSync(join(tmpdir(), "tessera-e2e-"));
process.env.TESSERA_E2E_PASSWORD ??= "e2e-admin-password";

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
    launchOptions: chromiumLaunch,
    trace: "off",
  },
  webServer: agentWebServer({
    port,
    dataDir: process.env.TESSERA_E2E_DATA,
    machine: process.env.TESSERA_E2E_MACHINE ?? join(REPO, "examples/machine.json"),
    password: process.env.TESSERA_E2E_PASSWORD,
  }),
});
