// The same three-instance layout with the keyboard alone: roving focus in the core grid,
// Space and Shift+arrows to select, Enter to reach "Assign to…", typed memory ranges,
// checkboxes for devices, the slot's fill buttons.
import { expect, test, type Page } from "@playwright/test";
import { ConsolePage } from "../support/console-page";

async function assignWithKeys(page: Page, steps: number) {
  const target = page.getByTestId("selection.assign-target");
  await target.focus();
  await page.keyboard.press("Home");
  for (let i = 0; i < steps; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Tab"); // to the Assign button
  await expect(page.getByTestId("selection.assign")).toBeFocused();
  await page.keyboard.press("Enter");
}

test("three instances with the keyboard alone", async ({ page }) => {
  const c = new ConsolePage(page);
  await c.login.signIn();
  await c.freshDraft();
  await page.getByTestId("slots.add").focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Enter");
  await expect(c.slots.slot("os3")).toBeVisible();

  // cores 0-3 -> os1: focus the grid's one tab stop, Space, Shift+Right x3, Enter
  await c.cores.cell(0).focus();
  await page.keyboard.press("Space");
  for (let i = 0; i < 3; i++) await page.keyboard.press("Shift+ArrowRight");
  await expect(page.getByTestId("selection.summary")).toHaveText("4 cores selected (LAPIC 0-3)");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("selection.assign-target")).toBeFocused();
  await assignWithKeys(page, 0);
  await expect(c.slots.cores(0)).toContainText("LAPIC 0-3");

  // cores 4-7 -> os2
  await c.cores.cell(4).focus();
  await page.keyboard.press("Space");
  for (let i = 0; i < 3; i++) await page.keyboard.press("Shift+ArrowRight");
  await assignWithKeys(page, 1);
  await expect(c.slots.cores(1)).toContainText("LAPIC 4-7");

  // os3: "next 8 free cores" from the slot's fill helper
  const count = page.locator("#run-2");
  await count.focus();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("8");
  await page.getByTestId("slot.fill-cores-2").focus();
  await page.keyboard.press("Enter");
  await expect(c.slots.cores(2)).toContainText("LAPIC 16-23");

  // memory by typing exact ranges
  await page.getByText("e820 map and exact range entry").focus();
  await page.keyboard.press("Enter");
  for (const [start, size, steps] of [
    ["0x0", "4G", 0],
    ["0x100000000", "8G", 1],
  ] as const) {
    await page.getByTestId("memory.entry-start").focus();
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type(start);
    await page.keyboard.press("Tab");
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.type(size);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await assignWithKeys(page, steps);
  }
  await expect(page.getByTestId("slot.memory-0")).toContainText("0x0–0xffff_ffff");
  await expect(page.getByTestId("slot.memory-1")).toContainText("0x1_0000_0000–0x2_ffff_ffff");
  await page.getByTestId("slot.fill-memory-2").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("slot.memory-2")).toContainText("32 GiB");

  // devices by checkbox
  for (const [id, steps] of [
    ["0000:01:00.0", 1],
    ["0000:02:00.0", 2],
  ] as const) {
    await page.getByTestId(`devices.check-${id}`).focus();
    await page.keyboard.press("Space");
    await assignWithKeys(page, steps);
  }
  await expect(page.getByTestId("slot.devices-2")).toContainText("0000:02:00.0");

  await expect(c.diagnostics.errors()).toHaveText("0 errors");

  // undo and redo from the keyboard
  await page.getByTestId("tabs.machine").focus();
  await page.keyboard.press("ControlOrMeta+z");
  await expect(page.getByTestId("slot.devices-2")).not.toContainText("0000:02:00.0");
  await page.keyboard.press("ControlOrMeta+Shift+z");
  await expect(page.getByTestId("slot.devices-2")).toContainText("0000:02:00.0");
});
