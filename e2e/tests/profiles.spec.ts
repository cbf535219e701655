// Save, reload and find it intact; an unsaved draft survives a reload; a conflict from a
// second browser context (409 PROFILE-STALE) shows who saved and what changed.
import { expect, test } from "@playwright/test";
import { expectAxeClean } from "../support/axe";
import { apiSignIn } from "../support/agent-process";
import { ADMIN, ConsolePage, EXAMPLE_PROFILE } from "../support/console-page";

test.describe.configure({ mode: "serial" });

test("save, reload, and find the layout intact", async ({ page }) => {
  const c = new ConsolePage(page);
  await c.login.signIn();
  await page.getByTestId("tabs.profiles").click();
  await page.getByTestId("profiles.import-file").setInputFiles(EXAMPLE_PROFILE);
  await page.getByTestId("profiles.save-as-name").fill("lab-three");
  await page.getByTestId("profiles.save-as").click();
  await expect(page.getByTestId("app.notice")).toContainText("Saved lab-three");
  await expect(page.getByTestId("profiles.row-lab-three")).toBeVisible();
  await expect(page.getByTestId("app.dirty")).toHaveCount(0);

  await page.reload();
  // the reload comes back to the tab it left (the URL keeps it)
  await expect(page.getByTestId("tabs.profiles")).toHaveAttribute("aria-selected", "true");
  await page.getByTestId("tabs.machine").click();
  await expect(page.getByTestId("cores.grid")).toBeVisible();
  await expect(page.getByTestId("app.profile-name")).toContainText("lab-three v1");
  await expect(c.slots.cores(2)).toContainText("LAPIC 16-23");
  await expect(page.getByTestId("slot.memory-1")).toContainText("0x1_0000_0000–0x2_ffff_ffff");

  // open it fresh from the server, too
  await page.getByTestId("tabs.profiles").click();
  await page.getByTestId("profiles.open-lab-three").click();
  await expect(page.getByTestId("app.notice")).toContainText("Opened lab-three (version 1)");

  // an unsaved edit survives a reload
  await page.getByTestId("tabs.machine").click();
  await page.getByTestId("slot.cmdline-2").fill("root=/dev/nvme1n1p1 quiet");
  await expect(page.getByTestId("app.dirty")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("slot.cmdline-2")).toHaveValue("root=/dev/nvme1n1p1 quiet");
  await expect(page.getByTestId("app.dirty")).toBeVisible();
  await page.getByTestId("app.save").click();
  await expect(page.getByTestId("app.notice")).toContainText("as version 2");

  // history: a side-by-side diff of version 1 and 2
  await page.getByTestId("tabs.profiles").click();
  await expect(page.getByTestId("profiles.diff-count")).toHaveText("1 field differs.");
  await expect(page.getByTestId("profiles.diff").locator("tr[data-changed]")).toContainText(
    "os3 · command line",
  );
});

test("a conflict from a second browser context", async ({ page, browser }) => {
  const a = new ConsolePage(page);
  await a.login.signIn();
  // a second user, so the conflict can name who saved
  const admin = await apiSignIn(new URL(page.url()).origin, ADMIN.name, ADMIN.password);
  const created = await admin.addUser("alice", "operator", "alice-e2e-password-1");
  expect([201, 409]).toContain(created);
  await page.getByTestId("tabs.profiles").click();
  await page.getByTestId("profiles.open-lab-three").click();
  await expect(page.getByTestId("app.notice")).toContainText("Opened lab-three");

  const other = await browser.newContext();
  const pageB = await other.newPage();
  const b = new ConsolePage(pageB);
  await b.login.signIn("alice", "alice-e2e-password-1");
  await pageB.getByTestId("tabs.profiles").click();
  await pageB.getByTestId("profiles.open-lab-three").click();
  await pageB.getByTestId("tabs.machine").click();
  await pageB.getByTestId("slot.name-2").fill("db");
  await pageB.getByTestId("app.save").click();
  await expect(pageB.getByTestId("app.notice")).toContainText("Saved lab-three as version");
  await other.close();
  // the console still open on the old version hears of it at once
  await expect(page.getByTestId("app.notice")).toContainText("alice saved lab-three as version");

  // A edits and saves on the old version: the agent answers 409 PROFILE-STALE
  await page.getByTestId("tabs.machine").click();
  await page.getByTestId("slots.add").click();
  await page.getByTestId("app.save").click();
  const dialog = page.getByTestId("conflict.dialog");
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId("conflict.who")).toContainText("alice");
  // one three-way table, each changed field once: their rename, my added instance
  const merge = page.getByTestId("conflict.merge");
  await expect(merge.locator("tbody tr")).toHaveCount(2);
  await expect(merge.locator('tr[data-key="2:name"]')).toContainText("db");
  await expect(merge.locator('tr[data-key="2:name"]')).toHaveAttribute("data-changed-by", "theirs");
  await expect(merge.locator('tr[data-key="3:instance"]')).toHaveAttribute(
    "data-changed-by",
    "mine",
  );
  // it opens at the top, the question first
  await expect(page.getByTestId("conflict.who")).toBeInViewport();
  await page.screenshot({ path: "screenshots/conflict-light.png" });
  await expectAxeClean(page, "conflict dialog");
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "screenshots/conflict-dark.png" });
  await expectAxeClean(page, "conflict dialog, dark");

  // keep the choices: the next save keeps their rename and my new instance
  await page.getByTestId("conflict.keep").click();
  await expect(dialog).toHaveCount(0);
  await page.getByTestId("app.save").click();
  await expect(page.getByTestId("app.notice")).toContainText("Saved lab-three as version");
  await expect(a.slots.slot("db")).toBeVisible();
  await expect(a.slots.slot("os4")).toBeVisible();
});

test("rename, duplicate, export and delete a stored profile", async ({ page }) => {
  const c = new ConsolePage(page);
  await c.login.signIn();
  await page.getByTestId("tabs.profiles").click();
  await page.getByTestId("profiles.open-lab-three").click();
  await expect(page.getByTestId("app.notice")).toContainText("Opened lab-three");

  await page.getByTestId("profiles.rename-name").fill("lab-three-renamed");
  await page.getByTestId("profiles.rename").click();
  await expect(page.getByTestId("profiles.row-lab-three-renamed")).toBeVisible();

  await page.getByTestId("profiles.duplicate").click();
  await expect(page.getByTestId("profiles.row-lab-three-renamed copy")).toBeVisible();
  await expect(page.getByTestId("profiles.current")).toContainText("lab-three-renamed copy");

  const download = page.waitForEvent("download");
  await page.getByTestId("profiles.export").click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("lab-three-renamed copy.json");

  page.once("dialog", (d) => void d.accept());
  await page
    .getByTestId("profiles.row-lab-three-renamed copy")
    .getByRole("button", { name: "Delete" })
    .click();
  await expect(page.getByTestId("profiles.row-lab-three-renamed copy")).toHaveCount(0);
  await expect(page.getByTestId("profiles.row-lab-three-renamed")).toBeVisible();
});
