// A viewer sees everything and changes nothing: through the UI (controls disabled, with a
// tooltip that says why) and through the API (403 FORBIDDEN), against the real agent.
import { resolve } from "node:path";
import { expect, test } from "@playwright/test";
import { Agent } from "../support/agent-process";
import { RunPage } from "../support/run-page";
import { expectAxeClean, SCHEMES } from "../support/axe";
import { ConsolePage, dragTo, signOut } from "../support/console-page";

const SHOTS = resolve(import.meta.dirname, "../screenshots");
const agent = new Agent({ adminPassword: "roles-admin-pw" });
const VIEWER = { name: "vera", password: "vera-viewer-pw" };

test.beforeAll(async () => {
  await agent.start();
  const admin = await agent.client("admin", "roles-admin-pw");
  await agent.seedProfile(admin);
  await admin.addUser(VIEWER.name, "viewer", VIEWER.password);
});
test.afterAll(async () => {
  await agent.stop();
});

test("a viewer cannot start anything, through the UI or by calling the API", async ({ page }) => {
  const run = new RunPage(page, agent.url);
  await run.signIn(VIEWER.name, VIEWER.password);
  await expect(page.getByTestId("tabs.users")).toHaveCount(0);
  await run.open();
  await run.expectState("os2", "defined");
  for (const name of ["os2", "os3"]) {
    for (const action of ["start", "stop", "force-stop"] as const) {
      await expect(run.button(action, name)).toBeDisabled();
      await expect(run.button(action, name)).toHaveAttribute(
        "title",
        /signed in as a viewer: only an operator or admin may start or stop instances/,
      );
    }
  }
  await expect(run.startAllButton()).toBeDisabled();
  await expect(run.startAllButton()).toHaveAttribute("title", /viewer/);
  await expect(page.getByTestId("run.role-note")).toContainText(
    "only an operator or admin may start or stop",
  );
  // the tooltip shows on hover, even on a disabled control
  await run.button("start", "os2").hover({ force: true });
  await page.screenshot({ path: `${SHOTS}/roles-viewer-run.png`, fullPage: true });

  // the same session, calling the API directly: refused with 403
  const session = await page.request.get(`${agent.url}/api/session`);
  expect(session.status()).toBe(200);
  const { csrfToken, user } = (await session.json()) as {
    csrfToken: string;
    user: { role: string };
  };
  expect(user.role).toBe("viewer");
  for (const path of [
    "/api/instances/os2/start",
    "/api/instances/start-all",
    "/api/instances/os3/force-stop",
  ]) {
    const r = await page.request.post(`${agent.url}${path}`, {
      headers: { "x-csrf-token": csrfToken },
      data: {},
    });
    expect(r.status(), path).toBe(403);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
  }
  const users = await page.request.get(`${agent.url}/api/users`);
  expect(users.status()).toBe(403);
  // nothing started
  await page.reload();
  await run.open();
  await run.expectState("os2", "defined");
  await run.expectState("os3", "defined");
  // sign-out ends the session on the agent too
  await signOut(page);
  await expect(page.getByTestId("login.username")).toBeVisible();
  expect((await page.request.get(`${agent.url}/api/session`)).status()).toBe(401);
});

test("an admin changes a role, resets a password and removes a user from the console", async ({
  page,
}) => {
  const admin = await agent.client("admin", "roles-admin-pw");
  await admin.addUser("tim", "viewer", "tim-first-pw");
  const run = new RunPage(page, agent.url);
  await run.signIn("admin", "roles-admin-pw");
  await page.getByTestId("tabs.users").click();
  await page.getByTestId("users.role-tim").selectOption("operator");
  await expect(page.getByTestId("users.message")).toHaveText("tim is now operator.");
  await page.getByTestId("users.reset-tim").click();
  await page.getByTestId("users.new-password-tim").fill("tim-second-pw");
  await page.getByTestId("users.reset-save-tim").click();
  await expect(page.getByTestId("users.message")).toContainText("Password of tim reset");
  // the agent agrees: the new password signs in, as an operator
  const tim = await agent.client("tim", "tim-second-pw");
  const me = (await tim.call("GET", "/api/session")).body as {
    user: { role: string };
    mustChangePassword: boolean;
  };
  expect(me.user.role).toBe("operator");
  // the admin chose it: tim chooses his own at this sign-in before anything else
  expect(me.mustChangePassword).toBe(true);
  await expect(agent.client("tim", "tim-first-pw")).rejects.toThrow(/401/);

  await page.getByTestId("users.remove-tim").click();
  await expect(page.getByTestId("confirm.body")).toContainText("can no longer sign in");
  await page.getByTestId("confirm.ok").click();
  await expect(page.getByTestId("users.row-tim")).toHaveCount(0);
  await expect(agent.client("tim", "tim-second-pw")).rejects.toThrow(/401/);
  // the last admin cannot be removed, and the console says so
  await page.getByTestId("users.remove-admin").click();
  await page.getByTestId("confirm.ok").click();
  await expect(page.getByTestId("users.message")).toContainText("LAST-ADMIN");
});

for (const scheme of SCHEMES) {
  test(`a viewer gets a read-only console: controls say why, dragging is off (${scheme})`, async ({
    browser,
  }) => {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    const run = new RunPage(page, agent.url);
    const c = new ConsolePage(page);
    await run.signIn(VIEWER.name, VIEWER.password);
    await expect(page.getByTestId("app.read-only")).toContainText("signed in as a viewer");
    const why = /signed in as a viewer: only an operator or admin may change profiles/;
    await expect(page.getByTestId("app.save")).toBeDisabled();
    await expect(page.getByTestId("app.save")).toHaveAttribute("title", why);

    await c.profiles.open("seed-three-way");
    await expect(page.getByTestId("app.notice")).toContainText("Opened seed-three-way");
    for (const id of ["profiles.save", "profiles.activate", "profiles.delete-seed-three-way"]) {
      await expect(page.getByTestId(id), id).toBeDisabled();
      await expect(page.getByTestId(id), id).toHaveAttribute("title", why);
    }
    await page.getByTestId("tabs.machine").click();
    await expect(page.getByTestId("slots.add")).toBeDisabled();
    await expect(page.getByTestId("slot.name-1")).toBeDisabled();
    await expect(page.getByTestId("memory.handle-r-os2-0")).toBeDisabled();
    // dragging is off: the core stays where it was
    await dragTo(page, c.cores.cell(16), c.slots.slot("os2"));
    await expect(page.getByTestId("dnd.overlay")).toHaveCount(0);
    await expect(c.slots.cores(1)).toContainText("LAPIC 4-7");
    await expect(page.getByTestId("app.dirty")).toHaveCount(0);
    await page.screenshot({ path: `${SHOTS}/roles-viewer-machine-${scheme}.png` });
    await expectAxeClean(page, "viewer console");

    // a refused attempt that reaches the agent is in the audit log
    const session = (await (await page.request.get(`${agent.url}/api/session`)).json()) as {
      csrfToken: string;
    };
    const list = (await (await page.request.get(`${agent.url}/api/profiles`)).json()) as {
      profiles: { id: string }[];
    };
    const id = list.profiles[0]!.id;
    const r = await page.request.post(`${agent.url}/api/profiles/${id}/activate`, {
      headers: { "x-csrf-token": session.csrfToken },
      data: {},
    });
    expect(r.status()).toBe(403);
    const audit = (await (
      await page.request.get(`${agent.url}/api/audit?action=access.denied&user=${VIEWER.name}`)
    ).json()) as { entries: { target: string; result: string }[] };
    expect(audit.entries.map((e) => e.target)).toContain(`POST /api/profiles/${id}/activate`);
    await context.close();
  });
}
