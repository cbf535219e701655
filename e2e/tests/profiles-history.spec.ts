// Opening or importing starts a new history, so undo never carries one profile's draft into
// another; dropping unsaved work asks first; Save says which stored profile it writes.
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { expectAxeClean, SCHEMES } from "../support/axe";
import { ConsolePage, EXAMPLE_PROFILE } from "../support/console-page";

/** The example with os2 taking os1's cores: a draft with errors. */
function brokenProfile() {
  const p = JSON.parse(readFileSync(EXAMPLE_PROFILE, "utf8"));
  p.name = "imported-broken";
  p.instances[1].cpus = [0, 1, 2, 3];
  return {
    name: "imported-broken.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(p)),
  };
}

for (const scheme of SCHEMES) {
  test(`open after an import asks first and undo stays in the opened profile (${scheme})`, async ({
    browser,
  }) => {
    const context = await browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    const c = new ConsolePage(page);
    await c.login.signIn();
    const stored = `history-${scheme}`;
    await c.profiles.importFile(EXAMPLE_PROFILE);
    await c.profiles.saveAs(stored);
    await expect(page.getByTestId("app.save")).toHaveText(`Save to ${stored}`);

    // an imported draft replaces the stored one: it asks, then starts a new history
    await c.profiles.importFile(brokenProfile());
    await expect(c.profiles.discardDialog()).toHaveCount(0); // nothing unsaved yet
    await expect(page.getByTestId("app.profile-name")).toContainText("imported-broken");
    await expect(page.getByTestId("app.save")).toHaveText("Save as new");
    await expect(page.getByTestId("app.undo")).toBeDisabled();
    await expect(c.diagnostics.errors()).not.toHaveText("0 errors");

    // the "Saved" message of the stored profile does not linger over the import
    await expect(page.getByTestId("app.notice").filter({ hasText: `Saved ${stored}` })).toHaveCount(
      0,
    );
    // Open another profile with that unsaved draft: the console asks; Cancel keeps it
    await c.profiles.open(stored);
    await expect(c.profiles.discardDialog()).toBeVisible();
    await expect(c.profiles.discardDialog()).toContainText("imported-broken has changes");
    await page.screenshot({ path: `screenshots/discard-${scheme}.png` });
    await expectAxeClean(page, "discard question");
    await c.profiles.discardDialog().getByTestId("confirm.cancel").click();
    await expect(page.getByTestId("app.profile-name")).toContainText("imported-broken");

    // Open again and discard: a new history, so undo cannot bring the import back
    await c.profiles.open(stored);
    await c.profiles.discard();
    await expect(page.getByTestId("app.notice")).toContainText(`Opened ${stored}`);
    await expect(page.getByTestId("app.undo")).toBeDisabled();
    await page.keyboard.press("Control+z");
    await expect(page.getByTestId("app.profile-name")).toContainText(stored);
    await expect(c.diagnostics.errors()).toHaveText("0 errors");
    await expect(page.getByTestId("app.save")).toHaveText(`Save to ${stored}`);
    await page.getByTestId("app.save").click();
    await expect(page.getByTestId("app.notice")).toContainText(`Saved ${stored} as version 2`);
    // a success message goes away by itself once read
    await expect(page.getByTestId("app.notice")).toHaveCount(0, { timeout: 10_000 });
    await page.getByTestId("tabs.machine").click();
    await expect(c.slots.cores(1)).toContainText("LAPIC 4-7");
    await context.close();
  });
}
