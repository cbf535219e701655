// `npm start` out of the box: a fresh agent started the way `npm start` starts it (`tessera
// serve --demo`: this host discovered, the dry-run loader, a fresh data dir) has a demo
// profile whose os2 boots Tessera's stand-in kernel. The admin signs in with the printed
// password, sees the stand-in labelled on its slot, in the boot preview and on the run card,
// starts os2 and watches it reach running; light and dark, axe clean.
import { resolve } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { Agent } from "../support/agent-process";
import { expectAxeClean, SCHEMES } from "../support/axe";
import { RunPage } from "../support/run-page";

const SHOTS = resolve(import.meta.dirname, "../screenshots");
const STAND_IN_FILE = "tessera-stand-in-not-a-kernel.bzImage";
const LABEL = "tessera-stand-in (not a kernel)";

async function shots(page: Page, name: string) {
  for (const size of [
    { width: 1024, height: 768 },
    { width: 1920, height: 1080 },
  ]) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `${SHOTS}/${name}-${size.width}x${size.height}.png` });
  }
}

test.describe.configure({ mode: "serial" });

for (const scheme of SCHEMES) {
  test(`${scheme}: a fresh npm start lets the admin start os2 on the labelled stand-in kernel`, async ({
    browser,
  }) => {
    const agent = new Agent({ npmStart: true });
    await agent.start();
    const context = await browser.newContext({
      colorScheme: scheme,
      viewport: { width: 1920, height: 1080 },
    });
    try {
      const page = await context.newPage();
      const password = agent.printedPassword();
      expect(password, "npm start prints a one-time admin password").toBeTruthy();
      expect(agent.output).toContain(`${STAND_IN_FILE} is Tessera's stand-in kernel`);
      const run = new RunPage(page, agent.url);
      // the printed password is one-time: the console asks for the admin's own first
      await run.signInFirstTime("admin", password!, "demo-admin-chosen-pw");

      // The editor opens the active demo profile: os2's kernel is the stand-in, labelled.
      await page.getByTestId("tabs.machine").click();
      await expect(page.getByTestId("slot.kernel-1")).toHaveValue(new RegExp(`${STAND_IN_FILE}$`));
      const slotNote = page.getByTestId("slot.stand-in-1");
      await expect(slotNote).toContainText("Stand-in kernel, not a kernel");
      await expect(slotNote).toContainText(LABEL);
      await expect(page.getByTestId("slot.stand-in-0")).toHaveCount(0);
      await expectAxeClean(page, `${scheme} editor`);
      await shots(page, `demo-slot-${scheme}`);

      await page.getByTestId("tabs.boot").click();
      await expect(page.getByTestId("boot.stand-in-os2")).toContainText(LABEL);
      await expectAxeClean(page, `${scheme} boot preview`);
      await shots(page, `demo-boot-${scheme}`);

      await run.open();
      await expect(run.banner()).toContainText("dry-run simulator");
      await expect(page.getByTestId("run.kernel-os2")).toContainText(STAND_IN_FILE);
      await expect(page.getByTestId("run.stand-in-os2")).toContainText(LABEL);
      await run.expectState("os2", "defined");
      await run.start("os2");
      await run.expectState("os2", "running", 20_000);
      await expect(run.log("os2")).toContainText(`is Tessera's stand-in kernel (${LABEL})`);
      await expectAxeClean(page, `${scheme} run view`);
      await shots(page, `demo-run-${scheme}`);
    } finally {
      await context.close();
      await agent.stop();
    }
  });
}
