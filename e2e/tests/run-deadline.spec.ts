// A hung boot: os2 hangs at "kernel booting" (a fault injected into the real dry-run loader
// with `tessera serve --dry-run-faults`) and its deadline is 3 s (`--phase-deadlines`). The
// card shows the deadline while the phase runs, then that os2 looks stuck, with force stop;
// a start of os3 meanwhile waits in the agent's queue ("waiting for os2 to start", never
// failed, cancelable) and begins by itself once os2 is force-stopped. Light and dark, axe
// clean, at 1024×768 and 1920×1080.
import { resolve } from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { Agent } from "../support/agent-process";
import { AuditPage } from "../support/audit-page";
import { expectAxeClean, SCHEMES } from "../support/axe";
import { setTheme } from "../support/console-page";
import { RunPage } from "../support/run-page";

const SHOTS = resolve(import.meta.dirname, "../screenshots");
const PASSWORD = "deadline-admin-pw";
const agent = new Agent({
  adminPassword: PASSWORD,
  faults: [{ instance: "os2", at: "kernel-booting", kind: "hang" }],
  extraArgs: ["--phase-deadlines", JSON.stringify({ "kernel-booting": 3000 })],
});

test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  await agent.start();
  await agent.seedProfile(await agent.client("admin", PASSWORD));
});
test.afterAll(async () => {
  await agent.stop();
});

/** Screenshots of the run view in both schemes and both sizes, each scheme axe-checked. */
async function shoot(page: Page, name: string, show: Locator) {
  for (const scheme of SCHEMES) {
    await setTheme(page, scheme);
    await expectAxeClean(page, `${name} ${scheme}`);
    for (const size of [
      { width: 1024, height: 768 },
      { width: 1920, height: 1080 },
    ]) {
      await page.setViewportSize(size);
      await show.scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/${name}-${size.width}-${scheme}.png` });
    }
  }
  await setTheme(page, "system");
  await page.setViewportSize({ width: 1600, height: 1000 });
}

test("a phase past its deadline: the card says it looks stuck, with force stop at hand", async ({
  page,
}) => {
  const run = new RunPage(page, agent.url);
  await run.signIn("admin", PASSWORD);
  await run.open();
  await run.start("os2");
  await run.expectState("os2", "booting");
  // while the phase runs: its deadline and how long it has taken so far
  const deadline = page.getByTestId("run.deadline-os2");
  await expect(deadline).toContainText(/Kernel booting: \d\.\d s so far · deadline 3\.0 s/);
  await page.screenshot({ path: `${SHOTS}/run-deadline-1600-light.png` });
  // past it: the agent's phase-overdue event turns it into "looks stuck"
  const stuck = page.getByTestId("run.overdue-os2");
  await expect(stuck).toContainText(
    /os2 looks stuck: Kernel booting has taken \d\.\d s, more than its 3\.0 s deadline\./,
    { timeout: 10_000 },
  );
  await expect(stuck).toContainText("Nothing was stopped");
  await expect(deadline).toHaveCount(0);
  await expect(page.getByTestId("run.overdue-force-stop-os2")).toBeEnabled();
  // the agent stopped nothing: still booting, not failed
  await run.expectState("os2", "booting");
  await expect(run.log("os2")).toContainText(
    /os2 looks stuck: kernel-booting has taken \d\.\d s, more than its 3\.0 s deadline/,
  );
  await shoot(page, "run-overdue", stuck);
  // a reload keeps it: the agent's view says the phase is overdue
  await page.reload();
  await run.open();
  await expect(page.getByTestId("run.overdue-os2")).toContainText("os2 looks stuck");
});

test("a start while os2 holds the loader waits, queued, not failed; cancel, queue again, force-stop os2, and it starts", async ({
  page,
}) => {
  const run = new RunPage(page, agent.url);
  await run.signIn("admin", PASSWORD);
  await run.open();
  await run.expectState("os2", "booting");
  await run.start("os3");
  await run.expectState("os3", "queued");
  const queued = page.getByTestId("run.queued-os3");
  await expect(queued).toContainText("Queued. Waiting for os2 to start");
  await expect(queued).toContainText("os3 starts by itself then");
  await expect(queued).toHaveAttribute("role", "status");
  // not a failure: no red box, no failed card
  await expect(page.getByTestId("run.error-os3")).toHaveCount(0);
  await expect(run.instance("os3")).not.toHaveClass(/tone-bad/);
  await expect(run.button("stop", "os3")).toBeDisabled();
  await shoot(page, "run-queued", run.instance("os3"));
  // cancelable: it goes back to not started, and stays there
  await page.getByTestId("run.cancel-os3").click();
  await run.expectState("os3", "defined");
  await expect(queued).toHaveCount(0);
  await expect(run.instance("os3")).toContainText("cancelled the queued start");
  // queued again, then the operator force-stops the stuck os2 from its notice
  await run.start("os3");
  await run.expectState("os3", "queued");
  await page.getByTestId("run.overdue-force-stop-os2").click();
  await expect(run.confirmBody()).toContainText("without a shutdown");
  await page.getByTestId("confirm.ok").click();
  await run.expectState("os2", "stopped");
  await expect(page.getByTestId("run.overdue-os2")).toHaveCount(0);
  // the queued start begins by itself
  await run.expectState("os3", "running");
  await expect(page.getByTestId("run.error-os3")).toHaveCount(0);
  // the audit log has the agent's own note, the queueing and the cancel
  const audit = new AuditPage(page);
  await audit.open();
  await audit.filter({ instance: "os2" });
  await expect(audit.row("instance.overdue", "os2")).toContainText("(agent)");
  await expect(audit.row("instance.overdue", "os2")).toContainText("os2 looks stuck");
  await audit.filter({ instance: "os3" });
  await expect(page.getByTestId("audit.view")).toContainText("behind os2");
  await expect(page.getByTestId("audit.view")).toContainText("cancelled");
  await expect(audit.row("instance.result", "os3")).toContainText("running");
});
