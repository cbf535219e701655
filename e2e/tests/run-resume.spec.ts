// A lost connection is shown, retried, and resumed without missing events: the page's
// WebSocket is cut (through Playwright's WebSocket routing, which otherwise passes every
// frame through to the real agent) while another operator starts os2; on reconnect the
// console asks to resume from its last seq and replays the missed events in order.
import { resolve } from "node:path";
import { expect, test, type WebSocketRoute } from "@playwright/test";
import { Agent } from "../support/agent-process";
import { RunPage } from "../support/run-page";

const SHOTS = resolve(import.meta.dirname, "../screenshots");
const agent = new Agent({ adminPassword: "resume-admin-pw" });

test.beforeAll(async () => {
  await agent.start();
  await agent.seedProfile(await agent.client("admin", "resume-admin-pw"));
});
test.afterAll(async () => {
  await agent.stop();
});

test("a dropped connection resumes from its last event and misses nothing", async ({ page }) => {
  const urls: string[] = [];
  const sockets: WebSocketRoute[] = [];
  let cut = false;
  await page.routeWebSocket(/\/api\/ws/, (ws) => {
    urls.push(ws.url());
    if (cut) {
      // while "offline", refuse to connect: the console keeps retrying
      ws.close({ code: 1011, reason: "test: offline" });
      return;
    }
    sockets.push(ws);
    ws.connectToServer();
  });
  const run = new RunPage(page, agent.url);
  await run.signIn("admin", "resume-admin-pw");
  await run.open();
  await expect(run.connection()).toHaveAttribute("data-status", "open");
  await run.expectState("os2", "defined");

  cut = true;
  await sockets.at(-1)!.close({ code: 4000, reason: "test: connection lost" });
  await expect(run.connection()).not.toHaveAttribute("data-status", "open");
  await page.screenshot({ path: `${SHOTS}/resume-offline.png`, fullPage: true });

  // meanwhile someone else starts os2 and it runs
  const other = await agent.client("admin", "resume-admin-pw");
  expect((await other.call("POST", "/api/instances/os2/start", {})).status).toBe(202);
  for (let i = 0; i < 100; i++) {
    const r = (await other.call("GET", "/api/instances")).body as {
      instances: { name: string; state: string }[];
    };
    if (r.instances.find((x) => x.name === "os2")?.state === "running") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await run.expectState("os2", "defined"); // not seen yet: still cut off

  cut = false;
  await expect(run.connection()).toHaveAttribute("data-status", "open", { timeout: 40_000 });
  await run.expectState("os2", "running", 5000);
  // resumed, not re-snapshotted: the reconnect named its last seq and epoch; every phase
  // has its time (the first its clock time, the others the time since)
  expect(urls.at(-1)).toMatch(/since=\d+&epoch=/);
  await expect(run.phase("os2", "loading-image")).toContainText(/at \d{1,2}:\d\d:\d\d/);
  for (const p of ["purgatory", "ipi-sent", "kernel-booting", "userspace-up", "running"])
    await expect(run.phase("os2", p)).toContainText(/\+\d+\.\d\d s/);
  await expect(run.log("os2")).toContainText("defined → loading");
  await page.screenshot({ path: `${SHOTS}/resume-caught-up.png`, fullPage: true });
});
