// The agent is killed (SIGKILL) in the middle of a start and restarted on the same port and
// data directory: the console shows the lost connection, reconnects by itself, and then
// shows what the agent reconciled (never the stale "booting" it saw before the kill).
import { resolve } from "node:path";
import { expect, test } from "@playwright/test";
import { Agent } from "../support/agent-process";
import { RunPage } from "../support/run-page";

const SHOTS = resolve(import.meta.dirname, "../screenshots");
// kernel-booting is held long enough to kill the agent right there
const agent = new Agent({
  adminPassword: "restart-admin-pw",
  delays: { "kernel-booting": 60_000 },
});

test.beforeAll(async () => {
  await agent.start();
  const admin = await agent.client("admin", "restart-admin-pw");
  await agent.seedProfile(admin);
});
test.afterAll(async () => {
  await agent.stop();
});

test("killed mid-start and restarted: the console shows the reconciled truth", async ({ page }) => {
  test.setTimeout(120_000);
  const run = new RunPage(page, agent.url);
  await run.signIn("admin", "restart-admin-pw");
  await run.open();
  await run.start("os2");
  await expect(run.phase("os2", "kernel-booting")).toHaveAttribute("data-status", "done");
  await run.expectState("os2", "booting");

  await agent.kill9();
  await expect(run.connection()).not.toHaveAttribute("data-status", "open", { timeout: 5000 });
  await page.screenshot({ path: `${SHOTS}/restart-connection-lost.png`, fullPage: true });

  await agent.start();
  await expect(run.connection()).toHaveAttribute("data-status", "open", { timeout: 30_000 });
  // what the agent now says, through its API, is what the console shows
  const api = await agent.client("admin", "restart-admin-pw");
  const truth = (await api.call("GET", "/api/instances")).body as {
    instances: { name: string; state: string; reason: string | null }[];
  };
  const os2 = truth.instances.find((i) => i.name === "os2")!;
  expect(os2.state).not.toBe("booting");
  expect(os2.reason).toMatch(/agent restarted/);
  await run.expectState("os2", os2.state, 5000);
  await expect(run.instance("os2")).toContainText("agent restarted");
  // the log tells the change that happened while the console was cut off, and the phase
  // times it watched before the kill are kept
  await expect(run.log("os2")).toContainText(`booting → ${os2.state}`);
  await expect(run.phase("os2", "kernel-booting")).toContainText(/\+\d+\.\d\d s/);
  // an instance found running is watched live again: its guest's heartbeats arrive
  if (os2.state === "running")
    await expect(page.getByTestId("run.heartbeat-os2")).toHaveClass(/fresh/, { timeout: 5000 });
  await page.screenshot({ path: `${SHOTS}/restart-reconciled.png`, fullPage: true });
  // the start was not run twice: a second start is refused while it may run
  const again = await api.call("POST", "/api/instances/os2/start", {});
  expect(again.status).toBe(409);
  // force-stop says what it does, then releases it
  await run.stop("os2", true);
  await run.expectState("os2", "stopped");
  await expect(run.button("start", "os2")).toBeEnabled();
});
