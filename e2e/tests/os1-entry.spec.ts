// OS1's boot entry, against the real agent whose --grub-root is a temp tree standing in for
// OS1's / (/proc/cmdline with GRUB's BOOT_IMAGE= and root=, /boot with a stand-in kernel and
// its initrd, /etc/grub.d, /boot/grub). GRUB's real tools run: grub-script-check on
// install, grub-reboot on "boot it once". OS1's slot shows the running OS1's kernel, initrd
// and root as defaults; the console says OS1 runs stale options and what to do; an admin
// installs the entry and selects it for one boot; a viewer sees why they cannot.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { Agent, standInBzImage, type ApiClient } from "../support/agent-process";
import { expectAxeClean, SCHEMES } from "../support/axe";
import { setTheme } from "../support/console-page";
import { RunPage } from "../support/run-page";

const SHOTS = resolve(import.meta.dirname, "../screenshots");
const ADMIN = { name: "admin", password: "os1-entry-admin-pw" };
const VIEWER = { name: "vera", password: "vera-viewer-pw" };
const V = "6.1.0-18-amd64";
const KERNEL = `/boot/vmlinuz-${V}`;
const INITRD = `/boot/initrd.img-${V}`;
const ROOT = "UUID=0a1b2c3d-e2e";
const ID = "tessera-seed-three-way";
const SIZES = [
  { width: 1024, height: 768 },
  { width: 1920, height: 1080 },
] as const;

const agent = new Agent({ adminPassword: ADMIN.password });
let tree = "";
let admin: ApiClient;

/** OS1 as it booted: GRUB's BOOT_IMAGE= and root=, and whatever options it runs with. */
function bootedWith(options: string) {
  writeFileSync(join(tree, "proc/cmdline"), `BOOT_IMAGE=${KERNEL} root=${ROOT} ro ${options}\n`);
}

test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  tree = mkdtempSync(join(tmpdir(), "tessera-e2e-os1-"));
  for (const d of ["proc", "boot/grub", "etc/grub.d"])
    mkdirSync(join(tree, d), { recursive: true });
  writeFileSync(join(tree, KERNEL), standInBzImage());
  writeFileSync(join(tree, INITRD), Buffer.alloc(4096));
  bootedWith("quiet");
  agent.opts.extraArgs = ["--grub-root", tree];
  await agent.start();
  admin = await agent.client(ADMIN.name, ADMIN.password);
  await agent.seedProfile(admin);
  await admin.addUser(VIEWER.name, "viewer", VIEWER.password);
});
test.afterAll(async () => {
  await agent.stop();
  rmSync(tree, { recursive: true, force: true });
});

async function shoot(page: Page, name: string) {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.screenshot({ path: `${SHOTS}/${name}-${size.width}x${size.height}.png` });
  }
}

test("OS1's slot takes the running OS1's kernel, initrd and root; the console says OS1 runs stale options", async ({
  page,
}) => {
  await new RunPage(page, agent.url).signIn(ADMIN.name, ADMIN.password);
  const stale = page.getByTestId("os1.stale");
  await expect(stale).toContainText("OS1 runs with options other than the active profile's.");
  await expect(stale).toContainText("install OS1's Tessera boot entry and reboot OS1 into it");
  await expect(page.getByTestId("os1.stale-summary")).toHaveText(
    "Options that differ: maxcpus, mem, memmap, tessera.devices, pci-stub.ids",
  );
  await expect(page.getByTestId("os1.stale-options")).toContainText(
    "maxcpus: OS1 runs with none; the profile plans maxcpus=4",
  );
  // Empty fields: the defaults are what OS1 booted with, shown in the fields themselves.
  await expect(page.getByTestId("slot.kernel-0")).toHaveValue("");
  await expect(page.getByTestId("slot.kernel-0")).toHaveAttribute("placeholder", KERNEL);
  await expect(page.getByTestId("slot.initrd-0")).toHaveAttribute("placeholder", INITRD);
  await expect(page.getByTestId("slot.root-0")).toHaveAttribute("placeholder", ROOT);
  await expect(page.getByTestId("slot.os1-detected")).toContainText(
    "Empty fields take what the running OS1 booted with.",
  );
  // The boot preview's entry is made from them: no placeholder path.
  await page.getByTestId("tabs.boot").click();
  await expect(page.getByTestId("boot.os1-grub")).toContainText(
    `linux\t'${KERNEL}' 'root=${ROOT}' 'maxcpus=4'`,
  );
  await expect(page.getByTestId("boot.os1-grub")).toContainText(`initrd\t'${INITRD}'`);
  // An edited field wins over the running OS1's value.
  await page.getByTestId("slot.root-0").fill("/dev/sdb3");
  await expect(page.getByTestId("boot.os1-grub")).toContainText(`'root=/dev/sdb3'`);
  await page.getByTestId("slot.root-0").fill("");
  await expect(page.getByTestId("boot.os1-grub")).toContainText(`'root=${ROOT}'`);
  await page.getByTestId("tabs.machine").click();
  for (const scheme of SCHEMES) {
    await setTheme(page, scheme);
    await expectAxeClean(page, `OS1 slot and notice (${scheme})`);
    await shoot(page, `os1-slot-${scheme}`);
  }
});

test("an admin sees the diff, installs the entry and selects it for the next boot only", async ({
  page,
}) => {
  await new RunPage(page, agent.url).signIn(ADMIN.name, ADMIN.password);
  await setTheme(page, "light");
  await page.getByTestId("slot.os1-grub").click();
  const dialog = page.getByTestId("grub.dialog");
  await expect(dialog).toBeVisible();
  const file = join(tree, "etc/grub.d/42_tessera");
  await expect(page.getByTestId("grub.file")).toHaveText(file);
  await expect(page.getByTestId("grub.diff")).toContainText("--- /dev/null");
  await expect(page.getByTestId("grub.diff")).toContainText(
    `+\tlinux\t'${KERNEL}' 'root=${ROOT}' 'maxcpus=4'`,
  );
  // Nothing to boot before it is installed.
  await expect(page.getByTestId("grub.boot-once")).toBeDisabled();
  await expect(page.getByTestId("grub.boot-once")).toHaveAttribute(
    "title",
    "Install the entry first: GRUB boots only what is installed.",
  );
  await page.getByTestId("grub.install").click();
  await expect(page.getByTestId("grub.ran-install")).toContainText("Installed. The agent ran:");
  await expect(page.getByTestId("grub.commands")).toContainText("grub-script-check");
  // The real file holds the entry; the dialog now shows it as installed.
  const written = readFileSync(file, "utf8");
  expect(written).toContain(`\tlinux\t'${KERNEL}' 'root=${ROOT}' 'maxcpus=4'`);
  expect(written).toContain(`\tinitrd\t'${INITRD}'`);
  await expect(dialog).toContainText("Installed");
  await expect(page.getByTestId("grub.install")).toBeDisabled();

  await page.getByTestId("grub.boot-once").click();
  await expect(page.getByTestId("grub.ran-once")).toContainText(
    "OS1 boots the Tessera entry at its next reboot, once.",
  );
  await expect(page.getByTestId("grub.commands")).toHaveText(
    `grub-reboot --boot-directory=${join(tree, "boot")} ${ID}`,
  );
  expect(readFileSync(join(tree, "boot/grub/grubenv"), "utf8")).toContain(`next_entry=${ID}`);
  await expectAxeClean(page, "GRUB dialog (light)");
  await shoot(page, "os1-grub-dialog-light");
  await page.getByTestId("grub.close").click();
  await expect(dialog).toHaveCount(0);
  // Dark: the dialog again, now showing the installed entry.
  await setTheme(page, "dark");
  await page.getByTestId("slot.os1-grub").click();
  await expect(page.getByTestId("grub.diff")).toContainText(`linux\t'${KERNEL}'`);
  await expect(page.getByTestId("grub.boot-once")).toBeEnabled();
  await expectAxeClean(page, "GRUB dialog (dark)");
  await shoot(page, "os1-grub-dialog-dark");
  await page.getByTestId("grub.close").click();

  // OS1 rebooted into the entry: it runs the planned options, and the notice goes.
  const report = (await admin.call("GET", "/api/os1")).body as { expected: string[] };
  bootedWith(report.expected.join(" "));
  await page.reload();
  await expect(page.getByTestId("slot.os1-boot")).toBeVisible();
  await expect(page.getByTestId("os1.stale")).toHaveCount(0);
});

test("a viewer sees the entry and the notice, and why only an admin may install it", async ({
  page,
}) => {
  bootedWith("quiet");
  await new RunPage(page, agent.url).signIn(VIEWER.name, VIEWER.password);
  const reason =
    "You are signed in as a viewer: only an admin may install OS1's boot entry. Ask an admin to change your role.";
  for (const scheme of SCHEMES) {
    await setTheme(page, scheme);
    await expect(page.getByTestId("os1.stale")).toBeVisible();
    await page.getByTestId("os1.stale-open").click();
    await expect(page.getByTestId("grub.dialog")).toBeVisible();
    await expect(page.getByTestId("grub.diff")).toContainText(`linux\t'${KERNEL}'`);
    await expect(page.getByTestId("grub.install")).toBeDisabled();
    await expect(page.getByTestId("grub.install")).toHaveAttribute("title", reason);
    await expect(page.getByTestId("grub.boot-once")).toBeDisabled();
    await expect(page.getByTestId("grub.reason")).toHaveText(reason);
    await expectAxeClean(page, `GRUB dialog for a viewer (${scheme})`);
    await page.getByTestId("grub.close").click();
  }
});
