// A drop that takes a device, core or range from another instance says so in its verdict
// ("moves … from os2"), and a move out of a running instance is refused at the drop, with
// the reason, not only when saving.
import { expect, test } from "@playwright/test";
import { Agent } from "../support/agent-process";
import { expectAxeClean, SCHEMES } from "../support/axe";
import { ConsolePage, dragTo, EXAMPLE_PROFILE } from "../support/console-page";

const PASSWORD = "moves-admin-password";
const agent = new Agent({ adminPassword: PASSWORD });

test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  await agent.start();
  const admin = await agent.client("admin", PASSWORD);
  await agent.seedProfile(admin);
});
test.afterAll(async () => {
  await agent.stop();
});

for (const scheme of SCHEMES) {
  test(`the drop verdict names what it moves from another instance (${scheme})`, async ({
    browser,
  }) => {
    const context = await browser.newContext({ colorScheme: scheme, baseURL: agent.url });
    const page = await context.newPage();
    const c = new ConsolePage(page);
    await c.login.signIn("admin", PASSWORD);
    await c.profiles.importFile(EXAMPLE_PROFILE);
    await page.getByTestId("tabs.machine").click();

    await dragTo(page, page.getByTestId("devices.row-0000:01:00.0"), c.slots.slot("os3"), {
      hold: async (p) => {
        await expect(p.getByTestId("slot.move-2")).toHaveText(
          "⚠ moves device 0000:01:00.0 from os2",
        );
        await p.screenshot({ path: `screenshots/drop-moves-${scheme}.png` });
        await expectAxeClean(p, "drop verdict");
      },
    });
    await expect(page.getByTestId("slot.devices-2")).toContainText("0000:01:00.0");
    await context.close();
  });
}

test("a move out of a running instance is refused at the drop, with the reason", async ({
  browser,
}) => {
  const admin = await agent.client("admin", PASSWORD);
  const start = await admin.call("POST", "/api/instances/os2/start", {});
  expect(start.status).toBe(202);
  await expect
    .poll(async () => {
      const r = await admin.call("GET", "/api/instances");
      const list = (r.body as { instances: { name: string; state: string }[] }).instances;
      return list.find((i) => i.name === "os2")?.state;
    })
    .toBe("running");

  const context = await browser.newContext({ baseURL: agent.url });
  const page = await context.newPage();
  const c = new ConsolePage(page);
  await c.login.signIn("admin", PASSWORD);
  await c.profiles.open("seed-three-way");
  await page.getByTestId("tabs.machine").click();

  await dragTo(page, page.getByTestId("devices.row-0000:01:00.0"), c.slots.slot("os3"), {
    hold: async (p) => {
      await expect(p.getByTestId("slot.verdict-2")).toContainText("os2 is running");
      await expect(p.getByTestId("slot.verdict-2")).toContainText("Stop os2 first");
    },
  });
  // nothing moved, and the reason stays on screen
  await expect(page.getByTestId("slot.devices-1")).toContainText("0000:01:00.0");
  await expect(page.getByTestId("slot.devices-2")).not.toContainText("0000:01:00.0");
  await expect(page.getByTestId("app.notice")).toContainText("os2 is running");
  await context.close();
});
