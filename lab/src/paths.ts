// Where the lab finds the repository, its caches and Debian's files.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const REPO = resolve(import.meta.dirname, "../..");
/** Debian's kernel, busybox and modules (scripts/qemu/fetch-debian.sh). */
export const DEBIAN_CACHE = join(REPO, ".cache", "qemu");
/** The lab's own build products: agent bundle, initramfs images. */
export const LAB_CACHE = join(REPO, ".cache", "lab");

export interface DebianFiles {
  vmlinuz: string;
  busybox: string;
  modules: string;
  version: string;
}

/** Fetches (once, cached) Debian's stock kernel, busybox and the few modules OS1 loads. */
export function debianFiles(): DebianFiles {
  execFileSync(join(REPO, "scripts", "qemu", "fetch-debian.sh"), [DEBIAN_CACHE], {
    stdio: ["ignore", "ignore", "inherit"],
    timeout: 300_000,
  });
  const files = {
    vmlinuz: join(DEBIAN_CACHE, "vmlinuz"),
    busybox: join(DEBIAN_CACHE, "busybox"),
    modules: join(DEBIAN_CACHE, "modules"),
    version: readFileSync(join(DEBIAN_CACHE, "VERSION"), "utf8").trim(),
  };
  for (const f of [files.vmlinuz, files.busybox, join(files.modules, "cpuid.ko")])
    if (!existsSync(f)) throw new Error(`scripts/qemu/fetch-debian.sh left no ${f}`);
  return files;
}

/** The QEMU binary, or an error that says which Debian package provides it. */
export function qemuBinary(): string {
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(":")) {
    const p = join(dir || ".", "qemu-system-x86_64");
    if (existsSync(p)) return p;
  }
  throw new Error(
    "qemu-system-x86_64 is not installed: the lab boots a QEMU machine. Install it with `apt-get install qemu-system-x86`.",
  );
}
