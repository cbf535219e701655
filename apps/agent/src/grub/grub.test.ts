// GRUB installation into a temporary root, checked with Debian's grub-common tools
// (grub-script-check, grub-editenv), run through the same runner the agent uses in
// production: packages/kexec's runCommand (the only code that spawns processes).
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseProfile, plan } from "@tessera/core";
import { runCommand } from "@tessera/kexec";
import { exampleMachine, REPO } from "../../test/integration/helpers";
import { BootConfigService, GrubError, type CommandRunner } from "./service";

const run: CommandRunner = runCommand;
const KERNEL = "/boot/vmlinuz-6.1.0-18-amd64";

function os1Entry(): string {
  const p = parseProfile(JSON.parse(readFileSync(join(REPO, "examples/profile.json"), "utf8")));
  if (!p.ok) throw new Error("example profile");
  // OS1's kernel and root as the agent would take them from the running OS1.
  const r = plan(exampleMachine(), p.value, {}, { os1Kernel: KERNEL, os1Root: "/dev/sda2" });
  if (!r.ok || r.plan.os1.grubEntry === null) throw new Error("example plan");
  return r.plan.os1.grubEntry;
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "tessera-grub-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const ID = "tessera-seed-three-way";

describe("GRUB boot entry", () => {
  it("says so where no GRUB is found and shows the lines to add by hand", async () => {
    const svc = new BootConfigService({ root, runner: run });
    const p = await svc.preview(os1Entry());
    expect(p.found).toBe(false);
    expect(p.manual).toContain("menuentry 'Tessera: seed-three-way (os1)'");
    await expect(svc.install(os1Entry(), ID)).rejects.toBeInstanceOf(GrubError);
  });

  it("previews, writes atomically, passes grub-script-check and selects the entry once", async () => {
    mkdirSync(join(root, "etc/grub.d"), { recursive: true });
    mkdirSync(join(root, "boot/grub"), { recursive: true });
    const svc = new BootConfigService({ root, runner: run });
    const entry = os1Entry();
    const preview = await svc.preview(entry);
    expect(preview.found).toBe(true);
    expect(preview.diff.split("\n")[0]).toBe("--- /dev/null");
    expect(preview.diff).toContain("+menuentry 'Tessera: seed-three-way (os1)'");
    const r = await svc.install(entry, ID, { oneTime: true });
    expect(r.commands[0]![0]).toBe("grub-script-check");
    expect(r.backup).toBeNull();
    expect(statSync(svc.file).mode & 0o777).toBe(0o755);
    // What update-grub would do with the file: run it and check its output as GRUB script.
    const printed = await run(["sh", svc.file]);
    expect(printed.code).toBe(0);
    expect(printed.stdout.trim()).toBe(entry.trim());
    writeFileSync(join(root, "printed.cfg"), printed.stdout);
    expect((await run(["grub-script-check", join(root, "printed.cfg")])).code).toBe(0);
    const env = await run(["grub-editenv", svc.grubenv, "list"]);
    expect(env.stdout).toContain(`next_entry=${ID}`);
    expect((await svc.preview(entry)).diff).toBe("");
  });

  it("keeps a backup when it replaces the entry, and refuses an entry GRUB would reject", async () => {
    mkdirSync(join(root, "etc/grub.d"), { recursive: true });
    const svc = new BootConfigService({ root, runner: run });
    const entry = os1Entry();
    await svc.install(entry, ID);
    const changed = entry.replace("maxcpus=4", "maxcpus=2");
    const preview = await svc.preview(changed);
    expect(preview.diff).toMatch(/^-.*maxcpus=4/m);
    expect(preview.diff).toMatch(/^\+.*maxcpus=2/m);
    const r = await svc.install(changed, ID);
    expect(readFileSync(r.backup!, "utf8")).toContain("maxcpus=4");
    expect(readFileSync(svc.file, "utf8")).toContain("maxcpus=2");
    const broken = "menuentry 'Tessera: broken' {\n\tlinux /boot/vmlinuz\n";
    await expect(svc.install(broken, ID)).rejects.toMatchObject({ kind: "check" });
    expect(readFileSync(svc.file, "utf8")).toContain("maxcpus=2"); // untouched
  });

  it("makes the entry the default on request and uninstalls cleanly", async () => {
    mkdirSync(join(root, "etc/grub.d"), { recursive: true });
    mkdirSync(join(root, "etc/default"), { recursive: true });
    writeFileSync(join(root, "etc/default/grub"), "GRUB_DEFAULT=0\n");
    mkdirSync(join(root, "boot/grub"), { recursive: true });
    const svc = new BootConfigService({ root, runner: run });
    await svc.install(os1Entry(), ID, { oneTime: true });
    const d = await svc.setDefault(ID);
    expect(d.note).toMatch(/GRUB_DEFAULT=saved/);
    expect((await run(["grub-editenv", svc.grubenv, "list"])).stdout).toContain(
      `saved_entry=${ID}`,
    );
    const u = await svc.uninstall();
    expect(u.removed).toBe(true);
    expect(existsSync(svc.file)).toBe(false);
    const env = (await run(["grub-editenv", svc.grubenv, "list"])).stdout;
    expect(env).not.toContain("next_entry");
    expect(env).not.toContain("saved_entry");
    expect((await svc.uninstall()).removed).toBe(false);
  });

  it("regenerates grub.cfg after the checked write, and stops there when that fails", async () => {
    mkdirSync(join(root, "etc/grub.d"), { recursive: true });
    mkdirSync(join(root, "boot/grub"), { recursive: true });
    // Test double: records every argv; grub-script-check is the real one (the file must pass
    // it), the regeneration answers as told, and grub-reboot must not run after a failure.
    const ran: string[][] = [];
    let regenerateExit = 0;
    const regenerateTestDouble: CommandRunner = async (argv, opts) => {
      ran.push(argv);
      if (argv[0] === "grub-script-check") return run(argv, opts);
      if (argv[0] === "update-grub" || argv[0] === "grub-mkconfig")
        return { code: regenerateExit, stdout: "", stderr: "regeneration failed" };
      return { code: 0, stdout: "", stderr: "" };
    };
    const svc = new BootConfigService({ root, runner: regenerateTestDouble, regenerate: true });
    const regenerate = existsSync("/usr/sbin/update-grub")
      ? ["update-grub"]
      : ["grub-mkconfig", "-o", "/boot/grub/grub.cfg"];
    const r = await svc.install(os1Entry(), ID, { oneTime: true });
    expect(r.commands.map((c) => c[0])).toEqual([
      "grub-script-check",
      regenerate[0],
      "grub-reboot",
    ]);
    expect(ran.slice(1)).toEqual([
      regenerate,
      ["grub-reboot", `--boot-directory=${join(root, "boot")}`, ID],
    ]);
    expect(readFileSync(svc.file, "utf8")).toContain("maxcpus=4");
    ran.length = 0;
    regenerateExit = 1;
    await expect(
      svc.install(os1Entry().replace("maxcpus=4", "maxcpus=2"), ID, { oneTime: true }),
    ).rejects.toMatchObject({ kind: "command", message: `${regenerate[0]} failed (exit 1).` });
    expect(ran.map((c) => c[0])).toEqual(["grub-script-check", regenerate[0]]);
  });

  it("without a runner, names the commands to run by hand", async () => {
    mkdirSync(join(root, "etc/grub.d"), { recursive: true });
    const svc = new BootConfigService({ root });
    await expect(svc.install(os1Entry(), ID, { oneTime: true })).rejects.toThrow(
      /run by hand: .*grub-script-check/,
    );
    expect(existsSync(svc.file)).toBe(false);
  });
});
