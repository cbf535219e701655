// The validation list and the agent agree: what the agent refuses with its live facts (here,
// kernel files that are not on this host) is listed with the rest, marked "this host".
import { expect, test } from "@playwright/test";
import { expectAxeClean, SCHEMES } from "../support/axe";
import { ConsolePage, EXAMPLE_PROFILE } from "../support/console-page";

for (const scheme of SCHEMES) {
  test(`the agent's live findings are in the validation list (${scheme})`, async ({ browser }) => {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    const c = new ConsolePage(page);
    await c.login.signIn();
    await c.profiles.importFile(EXAMPLE_PROFILE);
    await page.getByTestId("tabs.machine").click();
    // core finds no error in the example; the agent refuses it: /boot/vmlinuz is not here
    await expect(c.diagnostics.errors()).toHaveText("0 errors");
    const hostList = page.getByTestId("diagnostics.host-list");
    await expect(hostList).toContainText("this host");
    await expect(hostList).toContainText("os2");
    await expect(page.getByTestId("diagnostics.host-errors")).toBeVisible();
    await expect(page.getByTestId("diagnostics.clean")).toHaveCount(0);
    // the boot preview says the same
    await page.getByTestId("tabs.boot").click();
    await expect(page.getByTestId("boot.os2-argv-error")).toBeVisible();
    await page.getByTestId("tabs.machine").click();
    await page.getByTestId("diagnostics.panel").screenshot({
      path: `screenshots/validation-host-${scheme}.png`,
    });
    await expectAxeClean(page, "validation with host findings");
    await context.close();
  });
}
