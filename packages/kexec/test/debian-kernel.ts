// Test setup: Debian's real kernel, busybox and kexec-tools, fetched once by
// scripts/qemu/fetch-debian.sh into the repo's .cache/qemu (gitignored).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
export const CACHE = join(REPO, ".cache", "qemu");
export const SCRIPTS = join(REPO, "scripts", "qemu");

export interface DebianFiles {
  dir: string;
  vmlinuz: string;
  busybox: string;
  kexecRoot: string;
  /** "Package: linux-image-6.1.0-NN-amd64 Version: …" */
  version: string;
}

export function fetchDebian(): DebianFiles {
  execFileSync(join(SCRIPTS, "fetch-debian.sh"), [CACHE], {
    stdio: ["ignore", "ignore", "pipe"],
    timeout: 300_000,
  });
  const files = {
    dir: CACHE,
    vmlinuz: join(CACHE, "vmlinuz"),
    busybox: join(CACHE, "busybox"),
    kexecRoot: join(CACHE, "kexec-root"),
    version: readFileSync(join(CACHE, "VERSION"), "utf8").trim(),
  };
  if (!existsSync(files.vmlinuz)) throw new Error(`fetch-debian.sh left no ${files.vmlinuz}`);
  return files;
}

/** The kernel release the package name carries, e.g. "6.1.0-56-amd64". */
export function packageRelease(version: string): string {
  const m = /linux-image-(\S+)/.exec(version);
  if (!m) throw new Error(`no kernel package in ${version}`);
  return m[1]!;
}
