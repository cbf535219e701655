// The device table: a row marked with findings ("!") keeps its cells under their headers,
// and the table fills its panel, at 1024×768 and 1920×1080, in light and dark.
import { expect, test } from "@playwright/test";
import { expectAxeClean, SCHEMES } from "../support/axe";
import { ConsolePage, EXAMPLE_PROFILE } from "../support/console-page";

for (const scheme of SCHEMES) {
  for (const viewport of [
    { width: 1024, height: 768 },
    { width: 1920, height: 1080 },
  ]) {
    test(`rows with findings stay aligned, ${viewport.width}×${viewport.height} ${scheme}`, async ({
      browser,
    }) => {
      const context = await browser.newContext({ colorScheme: scheme, viewport });
      const page = await context.newPage();
      const c = new ConsolePage(page);
      await c.login.signIn();
      await c.profiles.importFile(EXAMPLE_PROFILE);
      await page.getByTestId("tabs.machine").click();
      const table = page.getByTestId("devices.pci");
      await table.scrollIntoViewIfNeeded();
      const marked = table.locator("tr.row-diag.diag-warning, tr.row-diag.diag-error").first();
      await expect(marked).toBeVisible();

      await expect(table).toContainText("Bus 0000:01 · 1 device");
      await expect(table).not.toContainText("1 devices");
      const heads = table.locator("thead th");
      const cells = marked.locator("td");
      await expect(cells).toHaveCount(await heads.count());
      for (const i of [1, 8]) {
        const th = (await heads.nth(i).boundingBox())!;
        const td = (await cells.nth(i).boundingBox())!;
        expect(Math.abs(td.x - th.x), `column ${i}`).toBeLessThanOrEqual(1);
      }
      // the table fills its scroll box (less a scrollbar)
      const box = (await page.getByTestId("devices.tables").boundingBox())!;
      const t = (await table.boundingBox())!;
      expect(t.width).toBeGreaterThanOrEqual(box.width - 40);

      await page.getByTestId("devices.tables").screenshot({
        path: `screenshots/devices-${viewport.width}x${viewport.height}-${scheme}.png`,
      });
      await expectAxeClean(page, "device table");
      await context.close();
    });
  }
}
