// What the journeys' and the bench's Playwright configs share: Debian's Chromium (never a
// downloaded browser) and the real agent serving the built console on loopback.
import { join, resolve } from "node:path";

export const REPO = resolve(import.meta.dirname, "../..");

/** Debian's Chromium, as root, with no background network (STACK.md). */
export const chromiumLaunch = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
  ],
};

/**
 * `tessera serve` on 127.0.0.1:port with its own data directory, a machine file and the
 * dry-run loader, after building the console (unless TESSERA_E2E_WEB_ROOT names a built one).
 */
export function agentWebServer(o: {
  port: number;
  dataDir: string;
  machine: string;
  password: string;
}) {
  const webRoot = process.env.TESSERA_E2E_WEB_ROOT;
  const build = webRoot ? "" : "npm run build --workspace=@tessera/web --silent && ";
  return {
    command:
      build +
      `node apps/agent/bin/tessera.mjs serve --port ${o.port} --data-dir ${o.dataDir} ` +
      // Specs write stand-in kernels into the data dir; the agent reads kernels only there.
      `--kernel-dir ${o.dataDir} ` +
      `--machine ${o.machine} --web-root ${webRoot ?? join(REPO, "apps/web/dist")} --loader dry-run --log-level warn`,
    cwd: REPO,
    url: `http://127.0.0.1:${o.port}/`,
    timeout: 120_000,
    reuseExistingServer: false,
    env: { TESSERA_ADMIN_PASSWORD: o.password },
    stdout: "ignore" as const,
    stderr: "pipe" as const,
  };
}
