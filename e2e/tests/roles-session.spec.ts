// Session expiry handled gracefully: the agent drops the operator's session mid-work; the
// next action asks for the password in a dialog over the page, the unsaved draft stays, and
// the action carries on after signing in again.
import { resolve } from "node:path";
import { expect, test } from "@playwright/test";
import { Agent } from "../support/agent-process";
import { RunPage } from "../support/run-page";

const SHOTS = resolve(import.meta.dirname, "../screenshots");
const agent = new Agent({ adminPassword: "session-admin-pw" });
const OPERATOR = { name: "otto", password: "otto-operator-pw" };

test.beforeAll(async () => {
  await agent.start();
  const admin = await agent.client("admin", "session-admin-pw");
  await agent.seedProfile(admin);
  await admin.addUser(OPERATOR.name, "operator", OPERATOR.password);
});
test.afterAll(async () => {
  await agent.stop();
});

test("an expired session keeps the draft and the pending start carries on after signing in", async ({
  page,
}) => {
  const run = new RunPage(page, agent.url);
  // the host check of the draft that follows a sign-in, answered with the session
  const firstCheck = page.waitForResponse((r) => r.url().endsWith("/api/plan"));
  await run.signIn(OPERATOR.name, OPERATOR.password);
  await firstCheck;
  const slots = await page.locator('[data-testid^="slot."][data-slot-index]').count();
  const oldCookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");

  // The draft's host check leaves with this session but is held here and answered only after
  // the operator has signed in again: that late 401 must not raise the dialog a second time.
  let signedInAgain!: () => void;
  const afterSignIn = new Promise<void>((r) => (signedInAgain = r));
  let held = 0;
  await page.route(
    "**/api/plan",
    async (route) => {
      held++;
      await afterSignIn;
      // sent by hand with the old session's cookie (the browser would attach the new one)
      const req = route.request();
      const res = await fetch(req.url(), {
        method: req.method(),
        headers: { ...req.headers(), cookie: oldCookie },
        body: req.postData(),
      });
      await route.fulfill({
        status: res.status,
        contentType: "application/json",
        body: await res.text(),
      });
    },
    { times: 1 },
  );
  // an unsaved edit in the draft: add an instance slot
  await page.getByTestId("slots.add").click();
  await expect(page.getByTestId("app.dirty")).toBeVisible();
  await expect.poll(() => held).toBe(1);
  await run.open();
  await run.expectState("os2", "defined");

  // the agent forgets the session (as when it expires)
  const s = (await (await page.request.get(`${agent.url}/api/session`)).json()) as {
    csrfToken: string;
  };
  const del = await page.request.delete(`${agent.url}/api/session`, {
    headers: { "x-csrf-token": s.csrfToken },
  });
  expect(del.status()).toBe(204);
  // the agent closes the live connection of the ended session
  await expect(page.getByTestId("app.live")).toHaveAttribute("data-state", "closed");

  await run.start("os2");
  const dialog = page.getByTestId("session.dialog");
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId("session.username")).toHaveValue(OPERATOR.name);
  await page.screenshot({ path: `${SHOTS}/session-expired.png` });
  await page.getByTestId("session.password").fill(OPERATOR.password);
  const login = page.waitForResponse(
    (r) => r.url().endsWith("/api/session") && r.request().method() === "POST",
  );
  await page.getByTestId("session.submit").click();
  expect((await login).status()).toBe(200);
  const late = page.waitForResponse((r) => r.url().endsWith("/api/plan") && r.status() === 401);
  signedInAgain();
  await late;
  await expect(dialog).toHaveCount(0);
  // live events come back at once with the new session, not after a backoff
  await expect(page.getByTestId("app.live")).toHaveAttribute("data-state", "open", {
    timeout: 2000,
  });
  // the start went through after the new sign-in, and the view never left
  await run.expectState("os2", "running");
  await expect(page.getByTestId("app.dirty")).toBeVisible();
  // the late host check was sent again with the new session, so it has no error to show
  await page.getByTestId("tabs.machine").click();
  await expect(page.locator('[data-testid^="slot."][data-slot-index]')).toHaveCount(slots + 1);
  await expect(dialog).toHaveCount(0);
});
