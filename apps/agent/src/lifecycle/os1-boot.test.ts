// What the running OS1 booted with, read from real files in a temp tree standing in for /.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cmdlineValue, detectOs1Boot } from "./os1-boot";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "tessera-os1-boot-"));
  mkdirSync(join(root, "proc"));
  mkdirSync(join(root, "boot"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const V = "6.1.0-18-amd64";
const cmdline = (text: string) => writeFileSync(join(root, "proc/cmdline"), `${text}\n`);
const file = (p: string) => writeFileSync(join(root, p), "x");

describe("detectOs1Boot", () => {
  it("takes the kernel from BOOT_IMAGE=, the initrd beside it and root= (Debian layout)", async () => {
    cmdline(`BOOT_IMAGE=/boot/vmlinuz-${V} root=UUID=0a1b-2c ro quiet`);
    file(`boot/vmlinuz-${V}`);
    file(`boot/initrd.img-${V}`);
    file("boot/initrd.img-6.1.0-17-amd64");
    expect(await detectOs1Boot(root)).toEqual({
      cmdline: `BOOT_IMAGE=/boot/vmlinuz-${V} root=UUID=0a1b-2c ro quiet`,
      kernel: `/boot/vmlinuz-${V}`,
      initrd: `/boot/initrd.img-${V}`,
      root: "UUID=0a1b-2c",
      problems: [],
    });
  });

  it("keeps GRUB's view of a separate /boot partition and drops a device prefix", async () => {
    cmdline(`BOOT_IMAGE=(hd0,gpt2)/vmlinuz-${V} root=/dev/mapper/vg-root ro`);
    file(`boot/vmlinuz-${V}`);
    file(`boot/initramfs-${V}.img`);
    const r = await detectOs1Boot(root);
    expect(r).toMatchObject({
      kernel: `/vmlinuz-${V}`,
      initrd: `/initramfs-${V}.img`,
      root: "/dev/mapper/vg-root",
      problems: [],
    });
  });

  it("takes the last root= before a lone --, as the kernel does", () => {
    expect(cmdlineValue("root=/dev/sda1 root=/dev/sda2 -- root=/dev/evil", "root")).toBe(
      "/dev/sda2",
    );
  });

  it("says what is missing instead of guessing: no BOOT_IMAGE=, no root=", async () => {
    cmdline("console=ttyS0 quiet");
    file(`boot/vmlinuz-${V}`);
    const r = await detectOs1Boot(root);
    expect(r).toMatchObject({ kernel: null, initrd: null, root: null });
    expect(r.problems).toEqual([
      {
        field: "root",
        message: "OS1's /proc/cmdline has no root=: the root file system is not known.",
      },
      {
        field: "kernel",
        message:
          "OS1's /proc/cmdline has no BOOT_IMAGE= (GRUB sets it; OS1 was booted another way), so its kernel is not known.",
      },
    ]);
  });

  it("refuses a kernel that is no longer in /boot, and one outside /boot", async () => {
    cmdline(`BOOT_IMAGE=/boot/vmlinuz-${V} root=/dev/sda2`);
    let r = await detectOs1Boot(root);
    expect(r.kernel).toBeNull();
    expect(r.problems[0]!.message).toBe(
      `OS1 booted /boot/vmlinuz-${V} (BOOT_IMAGE=), but ${join(root, `boot/vmlinuz-${V}`)} is not a file: was the kernel removed or upgraded?`,
    );
    // A directory named like the kernel is not a kernel either.
    mkdirSync(join(root, `boot/vmlinuz-${V}`));
    expect((await detectOs1Boot(root)).kernel).toBeNull();
    cmdline("BOOT_IMAGE=/../etc/shadow root=/dev/sda2");
    r = await detectOs1Boot(root);
    expect(r.kernel).toBeNull();
    expect(r.problems[0]!.message).toBe(
      "BOOT_IMAGE=/../etc/shadow in OS1's /proc/cmdline is not a path in /boot.",
    );
  });

  it("names the initrds it looked for when none is there", async () => {
    cmdline(`BOOT_IMAGE=/boot/vmlinuz-${V} root=/dev/sda2`);
    file(`boot/vmlinuz-${V}`);
    const r = await detectOs1Boot(root);
    expect(r).toMatchObject({ kernel: `/boot/vmlinuz-${V}`, initrd: null, root: "/dev/sda2" });
    expect(r.problems).toEqual([
      {
        field: "initrd",
        message: `No initrd for vmlinuz-${V} in ${join(root, "boot")} (looked for initrd.img-${V}, initramfs-${V}.img, initrd-${V}).`,
      },
    ]);
  });

  it("says so when /proc/cmdline cannot be read", async () => {
    const r = await detectOs1Boot(join(root, "nowhere"));
    expect(r).toMatchObject({ cmdline: null, kernel: null, initrd: null, root: null });
    expect(r.problems[0]).toEqual({
      field: "cmdline",
      message: `${join(root, "nowhere/proc/cmdline")} cannot be read (ENOENT), so OS1's kernel and root are not known.`,
    });
  });
});
