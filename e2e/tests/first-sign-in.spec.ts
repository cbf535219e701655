// Signing in lands where the work is: on the active profile (not an empty draft with
// errors), on the Run page while something runs; the tab and profile are in the URL, so a
// reload comes back to them.
import { expect, test } from "@playwright/test";
import { Agent } from "../support/agent-process";
import { expectAxeClean, SCHEMES } from "../support/axe";
import { RunPage } from "../support/run-page";

const PASSWORD = "landing-admin-password";
const agent = new Agent({ adminPassword: PASSWORD });

test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  await agent.start();
  await agent.seedProfile(await agent.client("admin", PASSWORD));
});
test.afterAll(async () => {
  await agent.stop();
});

test("sign-in opens the active profile, and a reload keeps the tab and profile", async ({
  page,
}) => {
  const run = new RunPage(page, agent.url);
  await run.signIn("admin", PASSWORD);
  await expect(page.getByTestId("app.profile-name")).toContainText("seed-three-way v1");
  await expect(page.getByTestId("diagnostics.errors")).toHaveText("0 errors");
  await expect(page.getByTestId("tabs.machine")).toHaveAttribute("aria-selected", "true");
  // the live dot is green while connected
  await expect(page.getByTestId("app.live")).toHaveAttribute("data-state", "open");
  await expect(page.getByTestId("app.live")).toHaveClass(/\bon\b/);

  await page.getByTestId("tabs.profiles").click();
  await expect(page).toHaveURL(/#tab=profiles&profile=/);
  await page.reload();
  await expect(page.getByTestId("tabs.profiles")).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("app.profile-name")).toContainText("seed-three-way v1");
});

for (const scheme of SCHEMES) {
  test(`with a successor running, sign-in lands on the Run page (${scheme})`, async ({
    browser,
  }) => {
    const admin = await agent.client("admin", PASSWORD);
    const list = await admin.call("GET", "/api/instances");
    const os2 = (list.body as { instances: { name: string; state: string }[] }).instances.find(
      (i) => i.name === "os2",
    );
    if (os2?.state !== "running") {
      expect((await admin.call("POST", "/api/instances/os2/start", {})).status).toBe(202);
      await expect
        .poll(async () => {
          const r = await admin.call("GET", "/api/instances");
          const l = (r.body as { instances: { name: string; state: string }[] }).instances;
          return l.find((i) => i.name === "os2")?.state;
        })
        .toBe("running");
    }
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    const run = new RunPage(page, agent.url);
    await run.signIn("admin", PASSWORD);
    await expect(page.getByTestId("tabs.run")).toHaveAttribute("aria-selected", "true");
    await run.expectState("os2", "running");
    await expect(page).toHaveURL(/#tab=run/);
    await page.screenshot({ path: `screenshots/landing-run-${scheme}.png` });
    await expectAxeClean(page, "landing on Run");
    await context.close();
  });
}
