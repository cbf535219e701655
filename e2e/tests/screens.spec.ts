// Every main screen in light and dark: a screenshot to look at, and an axe scan with no
// serious or critical violations.
import { AxeBuilder } from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { ConsolePage, EXAMPLE_PROFILE, LoginPage } from "../support/console-page";

async function scan(page: Page, label: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const summary = bad.map(
    (v) =>
      `${label}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(" "))
        .join(", ")}`,
  );
  expect(summary).toEqual([]);
}

for (const scheme of ["light", "dark"] as const) {
  test(`main screens in ${scheme}`, async ({ browser }) => {
    const context = await browser.newContext({
      colorScheme: scheme,
      viewport: { width: 1600, height: 1000 },
    });
    const page = await context.newPage();
    await page.goto("/");
    await expect(page.getByTestId("login.submit")).toBeVisible();
    await page.screenshot({ path: `screenshots/login-${scheme}.png` });
    await scan(page, "login");

    await new LoginPage(page).signIn();
    const c = new ConsolePage(page);
    await page.getByTestId("tabs.profiles").click();
    await page.getByTestId("profiles.import-file").setInputFiles(EXAMPLE_PROFILE);
    await page.getByTestId("tabs.machine").click();
    await c.cores.selectRun(16, 19);
    await page.getByTestId("memory.zoom-low").click();
    await page.screenshot({ path: `screenshots/machine-${scheme}.png` });
    await scan(page, "machine");

    await page.getByTestId("memory.zoom-all").click();
    await page.getByTestId("tabs.boot").click();
    await expect(page.getByTestId("boot.preview")).toBeVisible();
    // the agent's answer: its loader argv, or (the example's /boot/vmlinuz is not on this
    // host) its refusal in words
    await expect(
      page.getByTestId("boot.os2-argv").or(page.getByTestId("boot.os2-argv-error")),
    ).toBeVisible();
    await page.screenshot({ path: `screenshots/boot-${scheme}.png` });
    await scan(page, "boot preview");

    await page.getByTestId("tabs.profiles").click();
    await expect(page.getByTestId("profiles.list")).toBeVisible();
    await page.screenshot({ path: `screenshots/profiles-${scheme}.png` });
    await scan(page, "profiles");
    await context.close();
  });
}
