// The first sign-in with the one-time password the agent printed: the console asks for a new
// password before anything else (and the agent refuses the session everything else), says
// next to each field what is wrong, then lands in the console; the printed password no
// longer signs in. A password an admin reset is the same screen, here in dark.
import { resolve } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { Agent } from "../support/agent-process";
import { expectAxeClean } from "../support/axe";
import { signOut } from "../support/console-page";

const SHOTS = resolve(import.meta.dirname, "../screenshots");
const agent = new Agent();
const CHOSEN = "admin-chose-this-pw";

test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  await agent.start();
});
test.afterAll(async () => {
  await agent.stop();
});

/** Every /api request the page makes, as "METHOD /path". */
function apiCalls(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith("/api/")) seen.push(`${r.method()} ${u.pathname}`);
  });
  return seen;
}

async function signIn(page: Page, name: string, password: string) {
  await page.goto(agent.url + "/");
  await page.getByTestId("login.username").fill(name);
  await page.getByTestId("login.password").fill(password);
  await page.getByTestId("login.submit").click();
}

async function fill(page: Page, current: string, next: string, repeat: string) {
  await page.getByLabel("Current password").fill(current);
  await page.getByLabel("New password", { exact: true }).fill(next);
  await page.getByLabel("Repeat the new password").fill(repeat);
  await page.getByRole("button", { name: "Set the new password" }).click();
}

async function shots(page: Page, name: string) {
  for (const [w, h] of [
    [1024, 768],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: `${SHOTS}/${name}-${w}x${h}.png` });
  }
}

test("the printed one-time password leads to choosing a new one, then to the console (light)", async ({
  browser,
}) => {
  const oneTime = agent.printedPassword();
  expect(oneTime, "the agent prints a one-time admin password on first start").toBeTruthy();
  const context = await browser.newContext({ colorScheme: "light" });
  const page = await context.newPage();
  const calls = apiCalls(page);

  await signIn(page, "admin", oneTime!);
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await expect(page.getByTestId("password.form")).toContainText("signed in as admin");
  // the console is not there, and it asked the agent for nothing but the session
  await expect(page.getByTestId("app.main")).toHaveCount(0);
  await expectAxeClean(page, "choose a new password");

  // the repeat differs: said at the repeat field, nothing sent
  await fill(page, oneTime!, CHOSEN, CHOSEN + "x");
  const repeat = page.getByLabel("Repeat the new password");
  await expect(page.getByTestId("password.repeat-error")).toHaveText(
    "The repeated password differs from the new one: type the same password twice.",
  );
  await expect(repeat).toHaveAttribute("aria-invalid", "true");
  await expect(repeat).toBeFocused();

  // a wrong current password: the agent's refusal, at the current-password field
  await fill(page, "not-the-one-time-pw", CHOSEN, CHOSEN);
  await expect(page.getByTestId("password.current-error")).toHaveText(
    "The current password is wrong. (PASSWORD-WRONG)",
  );
  await expect(page.getByLabel("Current password")).toBeFocused();
  await expect(page.getByTestId("password.repeat-error")).toHaveCount(0);
  await expectAxeClean(page, "choose a new password, with an error");
  await shots(page, "first-password-light");
  expect(
    calls.filter((c) => !c.startsWith("GET /api/session") && c !== "POST /api/session"),
  ).toEqual(["POST /api/session/password"]);

  // the right one: the console lands as after any sign-in, live connection included
  await fill(page, oneTime!, CHOSEN, CHOSEN);
  await expect(page.getByTestId("app.user")).toContainText("admin");
  await expect(page.getByTestId("app.machine")).toContainText(/[1-9]\d* CPUs/);
  await expect(page.getByTestId("app.live")).toHaveAttribute("data-state", "open");
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toHaveCount(0);

  // the printed password no longer signs in; the chosen one does, straight to the console
  await signOut(page);
  await signIn(page, "admin", oneTime!);
  await expect(page.getByTestId("login.error")).toContainText("AUTH-FAILED");
  await signIn(page, "admin", CHOSEN);
  await expect(page.getByTestId("app.user")).toContainText("admin");
  await expect(page.getByTestId("app.machine")).toContainText(/[1-9]\d* CPUs/);
  await context.close();
});

test("a password an admin reset asks for a new one too (dark)", async ({ browser }) => {
  const admin = await agent.client("admin", CHOSEN);
  const add = await admin.call("POST", "/api/users", {
    name: "dora",
    role: "operator",
    password: "dora-set-by-admin",
  });
  expect(add.status).toBe(201);
  // the agent itself refuses her anything but the session until she has chosen
  const dora = await agent.client("dora", "dora-set-by-admin");
  const refused = await dora.call("GET", "/api/machine");
  expect(refused.status).toBe(403);
  expect((refused.body as { error: { code: string } }).error.code).toBe("PASSWORD-CHANGE-REQUIRED");

  const context = await browser.newContext({ colorScheme: "dark" });
  const page = await context.newPage();
  await signIn(page, "dora", "dora-set-by-admin");
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await expectAxeClean(page, "choose a new password (dark)");
  // too short, said at the new-password field
  await fill(page, "dora-set-by-admin", "short", "short");
  await expect(page.getByTestId("password.new-error")).toHaveText(
    "The new password needs at least 8 characters (it has 5).",
  );
  await expectAxeClean(page, "choose a new password, with an error (dark)");
  await shots(page, "first-password-dark");
  await fill(page, "dora-set-by-admin", "dora-chose-this", "dora-chose-this");
  await expect(page.getByTestId("app.user")).toContainText("dora");
  await expect(page.getByTestId("app.live")).toHaveAttribute("data-state", "open");
  await expect((await dora.call("GET", "/api/machine")).status).toBe(401); // her other session ended
  await context.close();
});
