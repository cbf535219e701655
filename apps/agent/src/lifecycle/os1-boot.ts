// What the running OS1 booted with, for its GRUB entry: the kernel GRUB loaded (BOOT_IMAGE=
// in /proc/cmdline), the initrd beside it in /boot (initrd.img-<version>) and root=. Read
// under a host root ("/" on OS1, a temp tree in tests). Nothing is guessed: what cannot be
// found is null, with a sentence that says what was looked for and where.
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join, posix } from "node:path";
import type { Os1BootFacts } from "@tessera/core";

// core's wire type: cmdline as read; kernel as GRUB loads it (BOOT_IMAGE= without a GRUB
// device prefix); the matching initrd in the kernel's directory; the last root=.
export type Os1Boot = Os1BootFacts;

// Debian/Ubuntu name the initrd initrd.img-<version>; Fedora and Arch initramfs-<version>.img.
const INITRD_NAMES = (v: string) => [`initrd.img-${v}`, `initramfs-${v}.img`, `initrd-${v}`];

async function isFile(p: string): Promise<boolean> {
  // stat, never open: a FIFO or device named like a kernel is not read, only refused.
  return stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** The last value of key= on a command line (the kernel takes the last one). */
export function cmdlineValue(cmdline: string, key: string): string | undefined {
  // Arguments after a lone `--` go to init, not to the kernel.
  const words = cmdline.split(/\s+/);
  const end = words.indexOf("--");
  const kernelWords = end === -1 ? words : words.slice(0, end);
  return kernelWords
    .filter((w) => w.startsWith(`${key}=`))
    .map((w) => w.slice(key.length + 1))
    .at(-1);
}

/** Reads OS1's boot facts under `hostRoot`; never throws for a missing or odd file. */
export async function detectOs1Boot(hostRoot: string): Promise<Os1Boot> {
  const out: Os1Boot = { cmdline: null, kernel: null, initrd: null, root: null, problems: [] };
  const where = (p: string) => (hostRoot === "/" ? p : join(hostRoot, p));
  try {
    out.cmdline = (await readFile(where("/proc/cmdline"), "utf8")).trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    out.problems.push({
      field: "cmdline",
      message: `${where("/proc/cmdline")} cannot be read (${code}), so OS1's kernel and root are not known.`,
    });
    return out;
  }
  const root = cmdlineValue(out.cmdline, "root");
  if (root) out.root = root;
  else
    out.problems.push({
      field: "root",
      message: "OS1's /proc/cmdline has no root=: the root file system is not known.",
    });

  const image = cmdlineValue(out.cmdline, "BOOT_IMAGE");
  if (!image) {
    out.problems.push({
      field: "kernel",
      message:
        "OS1's /proc/cmdline has no BOOT_IMAGE= (GRUB sets it; OS1 was booted another way), so its kernel is not known.",
    });
    return out;
  }
  // GRUB may prefix a device: BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.1.0-18-amd64.
  const grubPath = image.replace(/^\([^)]*\)/, "");
  // A path outside /boot is relative to a separate /boot partition, mounted at /boot.
  const bootDir = grubPath.startsWith("/boot/") ? "" : "/boot";
  const onDisk = posix.normalize(`${bootDir}${grubPath}`);
  if (!grubPath.startsWith("/") || !onDisk.startsWith("/boot/")) {
    out.problems.push({
      field: "kernel",
      message: `BOOT_IMAGE=${image} in OS1's /proc/cmdline is not a path in /boot.`,
    });
    return out;
  }
  if (!(await isFile(where(onDisk)))) {
    out.problems.push({
      field: "kernel",
      message: `OS1 booted ${grubPath} (BOOT_IMAGE=), but ${where(onDisk)} is not a file: was the kernel removed or upgraded?`,
    });
    return out;
  }
  out.kernel = grubPath;

  const name = basename(grubPath);
  const version = /^(?:vmlinuz|vmlinux|bzImage|kernel)-(.+)$/.exec(name)?.[1];
  if (!version) {
    out.problems.push({
      field: "initrd",
      message: `OS1's kernel ${name} carries no version (vmlinuz-<version>), so no initrd can be matched to it.`,
    });
    return out;
  }
  const present = new Set(await readdir(where(posix.dirname(onDisk))).catch(() => []));
  for (const candidate of INITRD_NAMES(version)) {
    if (
      present.has(candidate) &&
      (await isFile(where(posix.join(posix.dirname(onDisk), candidate))))
    ) {
      out.initrd = posix.join(posix.dirname(grubPath), candidate);
      return out;
    }
  }
  out.problems.push({
    field: "initrd",
    message: `No initrd for ${name} in ${where(posix.dirname(onDisk))} (looked for ${INITRD_NAMES(version).join(", ")}).`,
  });
  return out;
}
