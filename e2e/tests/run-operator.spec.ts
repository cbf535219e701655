// The newcomer's and the operator's journey against the real agent (own process, temp data
// dir, real SQLite, dry-run loader): first sign-in with the password the agent printed (and
// choosing the admin's own), an admin adds an operator from the Users page, the operator
// chooses their own password, starts os2 and watches it reach running, stops it, starts all;
// then the audit page lists it all.
import { AxeBuilder } from "@axe-core/playwright";
import { resolve } from "node:path";
import { setTheme } from "../support/console-page";
import { expect, test, type Page } from "@playwright/test";
import { Agent } from "../support/agent-process";
import { AuditPage } from "../support/audit-page";
import { RunPage } from "../support/run-page";

const SHOTS = resolve(import.meta.dirname, "../screenshots");
const agent = new Agent();
const OPERATOR = { name: "olga", given: "olga-set-by-admin", password: "olga-operator-pw" };
const ADMIN_PASSWORD = "admin-chose-this-pw";
let startedAt = "";

test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  await agent.start();
});
test.afterAll(async () => {
  await agent.stop();
});

async function axeClean(page: Page, include: string) {
  const r = await new AxeBuilder({ page }).include(include).analyze();
  const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`),
  ).toEqual([]);
}

test("first sign-in with the password the agent printed; the admin adds an operator", async ({
  page,
}) => {
  const password = agent.printedPassword();
  expect(password, "the agent prints a one-time admin password on first start").toBeTruthy();
  const run = new RunPage(page, agent.url);
  await page.goto(agent.url + "/");
  await page.screenshot({ path: `${SHOTS}/sign-in.png` });
  // a wrong password is refused in words
  await page.getByTestId("login.username").fill("admin");
  await page.getByTestId("login.password").fill("not-the-password");
  await page.getByTestId("login.submit").click();
  await expect(page.getByTestId("login.error")).toBeVisible();
  await run.signInFirstTime("admin", password!, ADMIN_PASSWORD);

  await page.getByTestId("tabs.users").click();
  await expect(page.getByTestId("users.row-admin")).toBeVisible();
  await page.getByTestId("users.new-name").fill(OPERATOR.name);
  await page.getByTestId("users.new-role").selectOption("operator");
  await page.getByTestId("users.new-password").fill(OPERATOR.given);
  await page.getByTestId("users.add").click();
  await expect(page.getByTestId(`users.row-${OPERATOR.name}`)).toBeVisible();
  await expect(page.getByTestId(`users.role-${OPERATOR.name}`)).toHaveValue("operator");
  await page.screenshot({ path: `${SHOTS}/users.png` });
  await axeClean(page, '[data-testid="users.view"]');

  const admin = await agent.client("admin", ADMIN_PASSWORD);
  await agent.seedProfile(admin);
});

test("an operator starts os2 and watches it reach running, stops it, starts all", async ({
  page,
}) => {
  const run = new RunPage(page, agent.url);
  await run.signInFirstTime(OPERATOR.name, OPERATOR.given, OPERATOR.password);
  await run.open();
  await expect(run.banner()).toContainText("dry-run simulator");
  await expect(run.connection()).toHaveAttribute("data-status", "open");
  await run.expectState("os2", "defined");
  await expect(run.state("os1")).toHaveText("Running");
  await expect(run.button("start", "os1")).toHaveCount(0);

  startedAt = new Date(Date.now() - 1000).toISOString();
  await run.start("os2");
  // the live timeline fills in phase by phase, with times
  await expect(run.phase("os2", "kernel-booting")).toHaveAttribute("data-status", "done", {
    timeout: 10_000,
  });
  await page.screenshot({ path: `${SHOTS}/run-booting-light.png`, fullPage: true });
  await run.expectState("os2", "running");
  for (const p of [
    "loading-image",
    "purgatory",
    "ipi-sent",
    "kernel-booting",
    "userspace-up",
    "running",
  ])
    await expect(run.phase("os2", p)).toHaveAttribute("data-status", "done");
  await expect(run.phase("os2", "running")).toContainText(/\+\d+\.\d\d s/);
  await expect(run.log("os2")).toContainText("booting → running (running)");
  await expect(page.getByTestId("run.heartbeat-os2")).toContainText(/heartbeat/);
  await setTheme(page, "light");
  await page.screenshot({ path: `${SHOTS}/run-running-light.png`, fullPage: true });
  await axeClean(page, '[data-testid="run.view"]');
  await setTheme(page, "dark");
  await page.screenshot({ path: `${SHOTS}/run-running-dark.png`, fullPage: true });
  await axeClean(page, '[data-testid="run.view"]');
  await setTheme(page, "light");

  // stop asks first and says what will happen; cancel changes nothing
  await run.button("stop", "os2").click();
  await expect(run.confirmBody()).toContainText("shut down cleanly");
  await page.screenshot({ path: `${SHOTS}/run-confirm-stop.png` });
  await page.getByTestId("confirm.cancel").click();
  await run.expectState("os2", "running");
  await run.stop("os2");
  await run.expectState("os2", "stopped");

  await run.startAll();
  await run.expectState("os2", "running", 20_000);
  await run.expectState("os3", "running", 20_000);
  await expect(run.startAllButton()).toBeDisabled();
  await page.screenshot({ path: `${SHOTS}/run-all-running-light.png`, fullPage: true });
  await setTheme(page, "dark");
  await page.screenshot({ path: `${SHOTS}/run-all-running-dark.png`, fullPage: true });
  await setTheme(page, "system");
});

test("the audit page lists it all and filters by user, instance, action and time", async ({
  page,
}) => {
  const run = new RunPage(page, agent.url);
  await run.signIn(OPERATOR.name, OPERATOR.password);
  const audit = new AuditPage(page);
  await audit.open();
  await expect(audit.row("user.add")).toHaveCount(2); // admin at first start, then olga
  await expect(audit.row("instance.start", "os2").first()).toBeVisible();
  await expect(audit.row("instance.stop", "os2")).toHaveCount(1);
  await expect(audit.row("instance.start-all")).toHaveCount(1);
  await expect(audit.row("profile.activate")).toHaveCount(1);
  await expect(audit.row("session.login").first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/audit-light.png`, fullPage: true });
  await axeClean(page, '[data-testid="audit.view"]');

  await audit.filter({ user: OPERATOR.name, instance: "os2", action: "instance.start" });
  // the filter applies after a short pause: wait until only matching rows are left
  await expect(
    page.locator('[data-testid="audit.row"]:not([data-action="instance.start"])'),
  ).toHaveCount(0);
  await expect(page.locator('[data-testid="audit.row"]:not([data-instance="os2"])')).toHaveCount(0);
  await expect(audit.rows().filter({ hasNotText: OPERATOR.name })).toHaveCount(0);
  await expect(audit.rows()).toHaveCount(2); // the single start and the start-all's os2
  await audit.clear();
  // a time range that ends before the starts hides them
  const local = (iso: string) => {
    const d = new Date(iso);
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  };
  await audit.filter({ action: "instance.start", to: local(startedAt) });
  await expect(audit.rows()).toHaveCount(0);
  await audit.filter({ to: "", from: local(startedAt) });
  await expect(audit.rows()).not.toHaveCount(0);
  await setTheme(page, "dark");
  await audit.clear();
  await expect(audit.row("user.add")).toHaveCount(2); // the whole log again
  await page.screenshot({ path: `${SHOTS}/audit-dark.png`, fullPage: true });
});
