// Boots Debian's kernel under qemu-system-x86_64 (software emulation) as OS1 with a busybox
// initramfs holding Debian's stock kexec-tools; its /init runs the successor's exported
// stock-kexec argv, and the successor's own /init reports what it sees over the serial port.
import { execFileSync, spawn } from "node:child_process";
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { BootPlan } from "@tessera/core";
import { planToStockKexecShell } from "../src/index";
import { CACHE, fetchDebian, SCRIPTS } from "./debian-kernel";

export const QEMU = "qemu-system-x86_64";

/** The QEMU binary's path, or null when it is not installed. */
export function findQemu(): string | null {
  for (const d of (process.env.PATH ?? "").split(":").filter(Boolean)) {
    try {
      accessSync(join(d, QEMU), constants.X_OK);
      return join(d, QEMU);
    } catch {
      // next
    }
  }
  return null;
}

export interface ProofBoot {
  /** Everything the serial console printed (both kernels). */
  serial: string;
  os1: { cmdline: string; iomem: string[] };
  successor: { cmdline: string; online: string; present: string; iomem: string[] } | null;
  exitCode: number | null;
  killed: boolean;
}

const SUCCESSOR_INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
echo "@@SUCC-BEGIN"
echo "@@SUCC-CMDLINE $(cat /proc/cmdline)"
echo "@@SUCC-ONLINE $(cat /sys/devices/system/cpu/online)"
echo "@@SUCC-PRESENT $(cat /sys/devices/system/cpu/present)"
sed 's/^/@@SUCC-IOMEM /' /proc/iomem
echo "@@SUCC-END"
poweroff -f
`;

// OS1 runs the exported plan itself (planToStockKexecShell), not a copy of its commands.
const OS1_INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
echo "@@OS1-CMDLINE $(cat /proc/cmdline)"
sed 's/^/@@OS1-IOMEM /' /proc/iomem
echo "@@OS1-RUNNING-PLAN"
sh /plan.sh
echo "@@OS1-KEXEC-FAILED $?"
poweroff -f
`;

function writeExecutable(path: string, text: string) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

function baseRoot(dir: string, busybox: string) {
  for (const d of ["bin", "proc", "sys", "dev"]) mkdirSync(join(dir, d), { recursive: true });
  copyFileSync(busybox, join(dir, "bin", "busybox"));
  chmodSync(join(dir, "bin", "busybox"), 0o755);
}

/** Builds both initramfs images under .cache/qemu/proof-* and returns OS1's. */
export function buildInitramfs(plan: BootPlan): {
  os1Initrd: string;
  vmlinuz: string;
  work: string;
} {
  const s = plan.successors[0];
  if (!s?.kernel || !s.initrd)
    throw new Error("the proof plan's first successor must name a kernel and an initrd");
  const deb = fetchDebian();
  const work = mkdtempSync(join(CACHE, "proof-"));
  const succRoot = join(work, "successor-root");
  baseRoot(succRoot, deb.busybox);
  writeExecutable(join(succRoot, "init"), SUCCESSOR_INIT);
  const os1Root = join(work, "os1-root");
  baseRoot(os1Root, deb.busybox);
  cpSync(deb.kexecRoot, os1Root, { recursive: true });
  mkdirSync(dirname(join(os1Root, s.kernel)), { recursive: true });
  copyFileSync(deb.vmlinuz, join(os1Root, s.kernel));
  mkdirSync(dirname(join(os1Root, s.initrd)), { recursive: true });
  execFileSync(join(SCRIPTS, "make-initramfs.sh"), [succRoot, join(os1Root, s.initrd)]);
  writeExecutable(join(os1Root, "init"), OS1_INIT);
  writeExecutable(join(os1Root, "plan.sh"), planToStockKexecShell(plan, "/sbin/kexec"));
  const os1Initrd = join(work, "os1.cpio.gz");
  execFileSync(join(SCRIPTS, "make-initramfs.sh"), [os1Root, os1Initrd]);
  return { os1Initrd, vmlinuz: deb.vmlinuz, work };
}

/** Boots OS1 with the plan's OS1 command line; resolves when QEMU exits or after `hardKillMs` (SIGKILL). */
export async function bootProof(
  qemu: string,
  plan: BootPlan,
  hardKillMs = 240_000,
): Promise<ProofBoot> {
  const os1Cmdline = plan.os1.cmdline;
  const { os1Initrd, vmlinuz, work } = buildInitramfs(plan);
  // The images are rebuilt per boot; keep them only when asked, for debugging.
  const cleanup = () =>
    process.env.TESSERA_KEEP_PROOF ? undefined : rmSync(work, { recursive: true, force: true });
  const args = [
    "-accel",
    "tcg",
    "-m",
    "2G",
    "-smp",
    String(plan.os1.cpus.length + plan.successors.reduce((n, x) => n + x.cpuCount, 0)),
    "-nographic",
    "-no-reboot",
    "-kernel",
    vmlinuz,
    "-initrd",
    os1Initrd,
    "-append",
    os1Cmdline,
  ];
  try {
    const r = await runQemu(qemu, args, hardKillMs);
    return { ...parseSerial(r.output), serial: r.output, exitCode: r.exitCode, killed: r.killed };
  } finally {
    cleanup();
  }
}

export interface QemuRun {
  /** Everything QEMU wrote to stdout and stderr (the first serial port with -nographic). */
  output: string;
  exitCode: number | null;
  /** Killed at the hard limit. */
  killed: boolean;
  seconds: number;
}

/** Runs QEMU to its end, killed at `hardKillMs`: the one spawn of every QEMU proof here. */
export function runQemu(qemu: string, args: string[], hardKillMs: number): Promise<QemuRun> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(qemu, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let killed = false;
    child.stdout.on("data", (c: Buffer) => (output += c.toString("latin1")));
    child.stderr.on("data", (c: Buffer) => (output += c.toString("latin1")));
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, hardKillMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) =>
      resolve({ output, exitCode: code, killed, seconds: (Date.now() - t0) / 1000 }),
    );
  });
}

export function parseSerial(serial: string): Pick<ProofBoot, "os1" | "successor"> {
  const lines = serial.split(/\r?\n/);
  const pick = (tag: string) =>
    lines.filter((l) => l.startsWith(`@@${tag} `)).map((l) => l.slice(tag.length + 3));
  const one = (tag: string) => pick(tag)[0] ?? "";
  const os1 = { cmdline: one("OS1-CMDLINE"), iomem: pick("OS1-IOMEM") };
  const done = lines.includes("@@SUCC-END");
  const successor = done
    ? {
        cmdline: one("SUCC-CMDLINE"),
        online: one("SUCC-ONLINE"),
        present: one("SUCC-PRESENT"),
        iomem: pick("SUCC-IOMEM"),
      }
    : null;
  return { os1, successor };
}

export interface IomemEntry {
  start: bigint;
  end: bigint;
  name: string;
  depth: number;
}

/** /proc/iomem lines ("  5c000000-5ce01d31 : Kernel code"), nesting from the indent. */
export function parseIomem(lines: string[]): IomemEntry[] {
  const out: IomemEntry[] = [];
  for (const l of lines) {
    const m = /^(\s*)([0-9a-f]+)-([0-9a-f]+) : (.*)$/.exec(l);
    if (m)
      out.push({
        depth: m[1]!.length / 2,
        start: BigInt("0x" + m[2]),
        end: BigInt("0x" + m[3]),
        name: m[4]!,
      });
  }
  return out;
}

/** "0-1,3" -> [0,1,3] */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(",").filter(Boolean)) {
    const [a, b] = part.split("-").map(Number);
    for (let i = a!; i <= (b ?? a!); i++) out.push(i);
  }
  return out;
}
