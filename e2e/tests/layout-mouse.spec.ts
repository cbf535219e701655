// Build a three-instance layout by mouse drag; the drop target says "invalid, and why"
// before the drop (core's validate on the would-be profile).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { standInBzImage } from "../support/agent-process";
import { ConsolePage, dragTo } from "../support/console-page";

test("three instances by mouse drag, with the verdict shown while dragging", async ({ page }) => {
  const c = new ConsolePage(page);
  await c.login.signIn();
  await c.freshDraft();
  await c.slots.add();
  await c.slots.add();
  await expect(c.slots.slot("os3")).toBeVisible();

  // cores: a shift-click run dragged onto each slot
  await c.cores.selectRun(0, 3);
  await dragTo(page, c.cores.cell(0), c.slots.slot("os1"));
  await expect(c.slots.cores(0)).toContainText("LAPIC 0-3");
  await c.cores.selectRun(4, 7);
  await dragTo(page, c.cores.cell(5), c.slots.slot("os2"));
  await expect(c.slots.cores(1)).toContainText("LAPIC 4-7");

  // while dragging core 5 over os3 the slot explains why the drop would be invalid
  await c.cores.cell(5).click();
  await dragTo(page, c.cores.cell(5), c.slots.slot("os3"), {
    hold: async (p) => {
      await expect(p.getByTestId("slot.verdict-2")).toContainText("CPU-CONTIGUOUS");
      await p.keyboard.press("Escape"); // cancel: nothing changes
    },
  });
  await expect(c.slots.cores(1)).toContainText("LAPIC 4-7");

  // a lasso over socket 1 and a drag to os3
  const s1 = page.getByTestId("cores.socket-1");
  const box = (await s1.boundingBox())!;
  await page.mouse.move(box.x + box.width - 4, box.y + 4);
  await page.mouse.down();
  await page.mouse.move(box.x + 2, box.y + box.height - 2, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId("selection.summary")).toHaveText("8 cores selected (LAPIC 16-23)");
  await dragTo(page, c.cores.cell(16), c.slots.slot("os3"));
  await expect(c.slots.cores(2)).toContainText("LAPIC 16-23");

  // memory: draw OS1's range from 0 on the map (below 4 GiB), then drag chunks to os2 and os3
  await page.getByRole("button", { name: "Below 4 GiB" }).click();
  await expect(page.getByTestId("memory.window")).toContainText("4 GiB across");
  const map = (await c.memory.bar().boundingBox())!;
  await page.mouse.move(map.x + 1, map.y + map.height / 2);
  await page.mouse.down();
  await page.mouse.move(map.x + map.width - 1, map.y + map.height / 2, { steps: 10 });
  await page.mouse.up();
  await expect(page.getByTestId("memory.pending")).toBeVisible();
  await dragTo(page, page.getByTestId("memory.pending-chip"), c.slots.slot("os1"));
  await expect(page.getByTestId("slot.memory-0")).toContainText("0x0–0xffff_ffff");

  await page.getByTestId("memory.chunk-size").fill("8G");
  await dragTo(page, page.getByTestId("memory.chunk-chip"), c.slots.slot("os2"));
  await expect(page.getByTestId("slot.memory-1")).toContainText("0x1_0000_0000–0x2_ffff_ffff");
  await page.getByTestId("memory.chunk-size").fill("16G");
  await dragTo(page, page.getByTestId("memory.chunk-chip"), c.slots.slot("os3"));
  await expect(page.getByTestId("slot.memory-2")).toContainText("16 GiB");

  // devices: a row dragged onto a slot
  await dragTo(page, page.getByTestId("devices.row-0000:01:00.0"), c.slots.slot("os2"));
  await expect(page.getByTestId("slot.devices-1")).toContainText("0000:01:00.0");
  await dragTo(page, page.getByTestId("devices.row-serial@0x3f8"), c.slots.slot("os2"));
  await dragTo(page, page.getByTestId("devices.row-0000:02:00.0"), c.slots.slot("os3"));
  await expect(page.getByTestId("slot.devices-2")).toContainText("0000:02:00.0");

  await expect(c.diagnostics.errors()).toHaveText("0 errors");
  await page.getByTestId("tabs.boot").click();
  // The agent builds the loader argv; a successor without a kernel gets a reason instead.
  await expect(page.getByTestId("boot.os2-argv-problem")).toContainText("os2 has no kernel");
  await expect(page.getByTestId("boot.download")).toBeDisabled();
  // A kernel path that does not exist on the agent's host: the agent's live facts refuse it.
  await page.getByTestId("tabs.machine").click();
  await page
    .getByTestId("slot.kernel-1")
    .fill(join(process.env.TESSERA_E2E_DATA!, "nonexistent-vmlinuz"));
  await page.getByTestId("tabs.boot").click();
  await expect(page.getByTestId("boot.os2-argv-error")).toContainText("does not exist");
  // A real file with a bzImage header (a stand-in kernel) on the agent's host: argv appear.
  const kernel = join(process.env.TESSERA_E2E_DATA!, "vmlinuz");
  writeFileSync(kernel, standInBzImage());
  await page.getByTestId("tabs.machine").click();
  await page.getByTestId("slot.kernel-1").fill(kernel);
  await page.getByTestId("slot.kernel-2").fill(kernel);
  await page.getByTestId("tabs.boot").click();
  await expect(page.getByTestId("boot.os2-argv")).toContainText("--mem-min=0x100000000");
  await expect(page.getByTestId("boot.os2-argv")).toContainText(`-l ${kernel}`);
  await expect(page.getByTestId("boot.download")).toBeEnabled();
});

test("dragging a range's edge is one undo step, and Escape cancels the drag", async ({ page }) => {
  const c = new ConsolePage(page);
  await c.login.signIn();
  await c.freshDraft();
  await page.getByTestId("memory.chunk-size").fill("8G");
  await dragTo(page, page.getByTestId("memory.chunk-chip"), c.slots.slot("os1"));
  const held = page.getByTestId("slot.memory-0");
  await expect(held).toContainText("8 GiB");
  const before = (await held.textContent())!;

  const handle = page.getByTestId("memory.handle-r-os1-0");
  const drag = async () => {
    const h = (await handle.boundingBox())!;
    await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
    await page.mouse.down();
    await page.mouse.move(h.x + 80, h.y + h.height / 2, { steps: 12 });
  };
  await drag();
  await page.mouse.up();
  await expect(held).not.toHaveText(before);
  await page.getByTestId("app.undo").click();
  await expect(held).toHaveText(before);

  await drag();
  await expect(held).not.toHaveText(before);
  await page.keyboard.press("Escape");
  await page.mouse.up();
  await expect(held).toHaveText(before);
  await expect(page.getByTestId("app.redo")).toBeEnabled(); // the undone resize, not the cancelled one
});
