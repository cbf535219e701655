// Hit a validation error, see it on the core, on the slot and in the list, jump to it, fix it.
import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { ConsolePage, dragTo, EXAMPLE_PROFILE } from "../support/console-page";

test("hit and fix a validation error", async ({ page }) => {
  const c = new ConsolePage(page);
  await c.login.signIn();
  await page.getByTestId("tabs.profiles").click();
  await page.getByTestId("profiles.import-file").setInputFiles(EXAMPLE_PROFILE);
  await page.getByTestId("tabs.machine").click();
  await expect(c.slots.slot("os3")).toBeVisible();
  await expect(c.diagnostics.errors()).toHaveText("0 errors");

  // core 5 dropped onto os3 splits os2's run (the drop is allowed; the finding shows)
  await c.cores.cell(5).click();
  await dragTo(page, c.cores.cell(5), c.slots.slot("os3"));
  await expect(c.diagnostics.errors()).toHaveText(/[1-9]\d* errors/);
  const item = c.diagnostics.item("CPU-CONTIGUOUS").first();
  await expect(item).toContainText("5 lies between them");
  await expect(page.getByTestId("slot.diagnostics-1")).toContainText("CPU-CONTIGUOUS");
  await expect(page.getByTestId("profiles.activate")).toHaveCount(0); // on the profiles tab only

  // the list jumps to the core concerned
  await item.click();
  await expect(c.cores.cell(4).or(c.cores.cell(6)).or(c.cores.cell(5)).first()).toBeVisible();
  // focus moves on the next frame, after the list has scrolled the cell into view
  await expect
    .poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid")))
    .toMatch(/^cores\.cell-\d+$/);

  // the boot preview refuses while errors remain
  await page.getByTestId("tabs.boot").click();
  await expect(page.getByTestId("boot.blocked")).toBeVisible();
  await page.getByTestId("tabs.machine").click();

  // fix: give core 5 back to os2 from the keyboard path
  await c.cores.cell(5).click();
  await c.selection.assignTo("os2");
  await expect(c.diagnostics.errors()).toHaveText("0 errors");
  await expect(c.slots.cores(1)).toContainText("LAPIC 4-7");
});

test("a profile made for other hardware opens with a clear warning", async ({ page }) => {
  const c = new ConsolePage(page);
  await c.login.signIn();
  const json = JSON.parse(readFileSync(EXAMPLE_PROFILE, "utf8")) as {
    machineFingerprint?: string;
    instances: { devices: string[]; cpus: number[] }[];
  };
  json.machineFingerprint = "0123456789abcdef";
  json.instances[2]!.devices.push("0000:7f:00.0");
  json.instances[2]!.cpus.push(99);
  await page.getByTestId("tabs.profiles").click();
  await page.getByTestId("profiles.import-file").setInputFiles({
    name: "other-hardware.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(json)),
  });
  const banner = page.getByTestId("app.stale-hardware");
  await expect(banner).toContainText("made for other hardware");
  await expect(banner).toContainText("os3: cores with LAPIC ID 99");
  await expect(banner).toContainText("os3: device 0000:7f:00.0");
});
