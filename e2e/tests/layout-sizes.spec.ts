// The console works from 1024×768 up: the header stays one line (what does not fit goes into
// a menu), nothing overlaps and nothing is cut, in light and dark: no card in the instances
// sidebar is cut on its right, and no two labels of the memory bar (axis, 1 MiB marker,
// regions, legend) cover each other.
import { expect, test, type Page } from "@playwright/test";
import { expectAxeClean, SCHEMES } from "../support/axe";
import { horizontalClipping, overlappingLabels } from "../support/layout-checks";
import { ConsolePage, EXAMPLE_PROFILE } from "../support/console-page";

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
];

async function box(page: Page, testid: string) {
  const b = await page.getByTestId(testid).boundingBox();
  expect(b, testid).not.toBeNull();
  return b!;
}

/** Nothing wider than the window: no sideways scroll of the page itself. */
async function expectNoSidewaysScroll(page: Page) {
  const over = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(over).toBeLessThanOrEqual(0);
}

for (const scheme of SCHEMES) {
  for (const size of SIZES) {
    test(`${size.width}×${size.height} ${scheme}: one-line header, no overlap`, async ({
      browser,
    }) => {
      const context = await browser.newContext({ colorScheme: scheme, viewport: size });
      const page = await context.newPage();
      const c = new ConsolePage(page);
      await c.login.signIn();
      await c.profiles.importFile(EXAMPLE_PROFILE);
      await page.getByTestId("tabs.machine").click();
      const name = `${size.width}x${size.height}-${scheme}`;
      await page.screenshot({ path: `screenshots/machine-${name}.png` });

      // the header is one line: about one control high
      const header = await box(page, "app.header");
      expect(header.height).toBeLessThanOrEqual(48);
      await expect(page.getByTestId("app.save")).toBeInViewport();
      await expect(page.getByTestId("app.menu")).toBeInViewport();

      // the instances sidebar sits beside the work area and never covers the memory panel
      const main = await box(page, "app.main");
      const aside = await box(page, "app.aside");
      expect(aside.x).toBeGreaterThanOrEqual(main.x + main.width - 1);
      const memory = await box(page, "memory.panel");
      expect(memory.x + memory.width).toBeLessThanOrEqual(aside.x + 1);
      const bar = await box(page, "memory.bar");
      expect(bar.x + bar.width).toBeLessThanOrEqual(memory.x + memory.width);
      await expectNoSidewaysScroll(page);

      // every instance card fits the sidebar, and nothing inside a card is cut on its right
      const sidebar = await horizontalClipping(page, "app.aside", "article.slot");
      expect(sidebar.cards).toBe(3);
      expect(sidebar.cut).toEqual([]);
      // the memory bar's labels are dropped or placed so that none covers another
      const memoryLabels = ['[data-testid="memory.panel"] .legend', '[data-testid="memory.bar"]'];
      const full = await overlappingLabels(page, memoryLabels);
      // six legend entries, the 1 MiB marker, axis labels, region and range names
      expect(full.labels).toBeGreaterThanOrEqual(12);
      expect(full.overlaps).toEqual([]);
      // zoomed so that the 1 MiB line sits inside the window, away from its left edge
      await page.getByTestId("memory.zoom-low").click();
      await page.getByTestId("memory.zoom-out").click();
      await expect(page.getByTestId("memory.marker-1mib")).toBeVisible();
      const low = await overlappingLabels(page, memoryLabels);
      expect(low.labels).toBeGreaterThanOrEqual(12);
      expect(low.overlaps).toEqual([]);
      await page
        .getByTestId("memory.panel")
        .screenshot({ path: `screenshots/memory-low-${name}.png` });
      await page.getByTestId("memory.zoom-all").click();

      await expectAxeClean(page, `machine ${name}`);
      for (const tab of ["boot", "profiles", "run", "audit"]) {
        await page.getByTestId(`tabs.${tab}`).click();
        await expectNoSidewaysScroll(page);
        await page.screenshot({ path: `screenshots/${tab}-${name}.png` });
      }
      await context.close();
    });
  }
}
