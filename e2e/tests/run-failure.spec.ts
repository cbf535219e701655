// An injected failure at "kernel booting" ends in failed, with the reason and what it
// means shown in plain words; a refused start shows the agent's diagnostics. The fault is
// injected into the real dry-run loader by the agent's own `tessera serve --dry-run-faults`.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { setTheme } from "../support/console-page";
import { expect, test } from "@playwright/test";
import { Agent } from "../support/agent-process";
import { AuditPage } from "../support/audit-page";
import { RunPage } from "../support/run-page";

const SHOTS = resolve(import.meta.dirname, "../screenshots");
const agent = new Agent({
  adminPassword: "fail-admin-pw",
  faults: [{ instance: "os2", at: "kernel-booting", kind: "fail" }],
});

test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  await agent.start();
  await agent.seedProfile(await agent.client("admin", "fail-admin-pw"));
});
test.afterAll(async () => {
  await agent.stop();
});

test("a refused start shows the agent's diagnostics in plain words, where the action was", async ({
  page,
}) => {
  const run = new RunPage(page, agent.url);
  await run.signIn("admin", "fail-admin-pw");
  await run.open();
  // the kernel the profile names disappears from the host
  const kernel = join(agent.dir, "vmlinuz");
  const saved = readFileSync(kernel);
  rmSync(kernel);
  await run.start("os3");
  const error = page.getByTestId("run.error-os3");
  await expect(error).toContainText("cannot start on the machine as it is now");
  await expect(error).toContainText(`os3's kernel ${kernel} does not exist or cannot be read`);
  await expect(error).toContainText("Check the path");
  await run.expectState("os3", "defined");
  await setTheme(page, "light");
  await page.screenshot({ path: `${SHOTS}/run-refused-light.png`, fullPage: true });
  await setTheme(page, "dark");
  await page.screenshot({ path: `${SHOTS}/run-refused-dark.png`, fullPage: true });
  await setTheme(page, "system");
  writeFileSync(kernel, saved);
});

test("an injected failure at kernel booting ends in failed with its reason shown", async ({
  page,
}) => {
  const run = new RunPage(page, agent.url);
  await run.signIn("admin", "fail-admin-pw");
  await run.open();
  await run.start("os2");
  await run.expectState("os2", "failed");
  await expect(run.phase("os2", "kernel-booting")).toHaveAttribute("data-status", "failed");
  await expect(run.phase("os2", "userspace-up")).toHaveAttribute("data-status", "todo");
  await expect(run.reason("os2")).toContainText("os2 failed at “Kernel booting”");
  await expect(run.reason("os2")).toContainText("never reached user space");
  await expect(run.log("os2")).toContainText("failed");
  await setTheme(page, "light");
  await page.screenshot({ path: `${SHOTS}/run-failed-light.png`, fullPage: true });
  await setTheme(page, "dark");
  await page.screenshot({ path: `${SHOTS}/run-failed-dark.png`, fullPage: true });
  await setTheme(page, "system");
  // a reload keeps where it failed, when, and the log of that run
  await page.reload();
  await run.open();
  await run.expectState("os2", "failed", 5000);
  await expect(run.phase("os2", "kernel-booting")).toHaveAttribute("data-status", "failed");
  await expect(run.phase("os2", "kernel-booting")).toContainText(/\+\d+\.\d\d s/);
  await expect(run.log("os2")).toContainText("injected fault: os2 fails at kernel-booting");
  await expect(run.log("os2")).toContainText(/→ failed \(kernel-booting\)/);
  // it may be started again once the cause is fixed
  await expect(run.button("start", "os2")).toBeEnabled();
  const axe = await new AxeBuilder({ page }).include('[data-testid="run.view"]').analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual(
    [],
  );
  // the audit page has the failure, with the loader's code
  const audit = new AuditPage(page);
  await audit.open();
  await audit.filter({ instance: "os2" });
  await expect(audit.row("instance.result", "os2")).toContainText("failed");
  await expect(audit.row("instance.result", "os2")).toContainText("LOADER-FAULT");
});
