// After a reload the run view shows what happened before it: the phase timeline with the
// times the agent recorded, the run's log read from the agent, and a heartbeat indicator that
// moves with the guest's live heartbeats (no polling of the instances).
import { resolve } from "node:path";
import { setTheme } from "../support/console-page";
import { expect, test } from "@playwright/test";
import { Agent } from "../support/agent-process";
import { RunPage } from "../support/run-page";

const SHOTS = resolve(import.meta.dirname, "../screenshots");
const agent = new Agent({ adminPassword: "reload-admin-pw" });

test.beforeAll(async () => {
  await agent.start();
  await agent.seedProfile(await agent.client("admin", "reload-admin-pw"));
});
test.afterAll(async () => {
  await agent.stop();
});

test("after a reload: phase times, the run's log and a live heartbeat", async ({ page }) => {
  const run = new RunPage(page, agent.url);
  await run.signIn("admin", "reload-admin-pw");
  await run.open();
  await run.start("os2");
  await run.expectState("os2", "running");

  await page.reload();
  await run.open();
  await run.expectState("os2", "running", 5000);
  // every boot phase is reached: the first with its clock time, the others with the time since
  await expect(run.phase("os2", "loading-image")).toContainText(/at \d{1,2}:\d\d:\d\d/);
  for (const p of ["purgatory", "ipi-sent", "kernel-booting", "userspace-up", "running"]) {
    await expect(run.phase("os2", p)).toHaveAttribute("data-status", "done");
    await expect(run.phase("os2", p)).toContainText(/\+\d+\.\d\d s/);
  }
  // the log panel holds the run's story from before the reload
  await run.instance("os2").locator("details.log summary").click();
  await expect(run.log("os2")).toContainText("defined → loading");
  await expect(run.log("os2")).toContainText("[dry-run]");
  await expect(run.log("os2")).toContainText(/→ running \(running\)/);

  // the heartbeat moves with the guest's live beats, and nothing polls the instances
  const reads: string[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === "/api/instances") reads.push(r.url());
  });
  const beat = page.getByTestId("run.heartbeat-os2");
  await expect(beat).toHaveClass(/fresh/);
  const first = await beat.getAttribute("data-at");
  await expect(beat).not.toHaveAttribute("data-at", first!, { timeout: 5000 });
  await expect(beat).toContainText(/heartbeat [01] s ago/);
  await page.waitForTimeout(6000);
  expect(reads, "no polling of GET /api/instances while connected").toEqual([]);
  await expect(beat).toContainText(/heartbeat [01] s ago/);

  await setTheme(page, "light");
  await page.screenshot({ path: `${SHOTS}/run-reloaded-light.png`, fullPage: true });
  await setTheme(page, "dark");
  await page.screenshot({ path: `${SHOTS}/run-reloaded-dark.png`, fullPage: true });
  await setTheme(page, "system");
});
