// The IPI sender: the only part of the direct loader that touches the local APIC. xAPIC
// needs an uncached mapping and 32-bit stores, so it runs the tiny C helper (built here from
// native/tessera-apic.c with the system compiler on first use); x2APIC's ICR is one 64-bit
// write to MSR 0x830, which Node can do through the msr driver's device file.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { LoaderFailure } from "../errors";
import { sleep } from "../event-stream";
import { runCommand } from "../run-command";
import { stepArg, x2apicIcr, type IpiStep } from "./ipi";

export const HELPER_SOURCE = fileURLToPath(new URL("../../native/tessera-apic.c", import.meta.url));
/** The repository's own cache (gitignored), next to the QEMU test downloads. */
export const DEFAULT_HELPER_CACHE = fileURLToPath(
  new URL("../../../../.cache/native", import.meta.url),
);

const MSR_APIC_BASE = 0x1b;
const MSR_X2APIC_ICR = 0x830;
/** IA32_APIC_BASE bit 10 (EXTD): the local APIC runs in x2APIC mode. */
const APIC_BASE_EXTD = 1n << 10n;

export type ApicMode = "xapic" | "x2apic";

export interface HelperBuild {
  path: string;
  /** "cached", "static" or "dynamic": how this call got it. */
  how: "cached" | "static" | "dynamic";
}

/**
 * Compiles the helper once per source version into cacheDir (the file name carries a hash
 * of the source, so an edited source is rebuilt). Statically linked when the toolchain can,
 * dynamically otherwise. A missing compiler is LOADER-TOOL-MISSING, a failed compile
 * LOADER-HELPER-BUILD with the compiler's words in `log`.
 */
export async function buildApicHelper(opts: {
  cacheDir?: string;
  cc?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
}): Promise<HelperBuild> {
  const cacheDir = opts.cacheDir ?? DEFAULT_HELPER_CACHE;
  const cc = opts.cc ?? "cc";
  const source = await readFile(HELPER_SOURCE);
  const hash = createHash("sha256").update(source).digest("hex").slice(0, 12);
  const path = join(cacheDir, `tessera-apic-${hash}`);
  if (existsSync(path)) return { path, how: "cached" };
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  for (const how of ["static", "dynamic"] as const) {
    const argv = [cc, ...(how === "static" ? ["-static"] : []), "-O2", "-o", tmp, HELPER_SOURCE];
    const r = await runCommand(argv, { timeoutMs: 60_000, signal: opts.signal });
    if (r.code === 127)
      throw new LoaderFailure(
        "LOADER-TOOL-MISSING",
        `the C compiler "${cc}" was not found: the direct loader builds its APIC helper from ${HELPER_SOURCE} with it (install gcc, or set "cc" in the loader options)`,
      );
    if (r.code === 0) {
      await rename(tmp, path);
      return { path, how };
    }
    for (const line of r.stderr.split("\n").filter(Boolean)) opts.log?.(`${cc}: ${line}`);
    await rm(tmp, { force: true });
  }
  throw new LoaderFailure(
    "LOADER-HELPER-BUILD",
    `${cc} could not compile ${HELPER_SOURCE}, neither static nor dynamic (its messages are in the log)`,
  );
}

/** msr driver device of CPU 0; any CPU's ICR write reaches the destination the same way. */
export function msrPath(msrDir: string): string {
  return join(msrDir, "0", "msr");
}

/**
 * xAPIC or x2APIC, as OS1 runs its local APIC. Read from IA32_APIC_BASE when the msr device
 * exists; without it the answer is certain only when the CPU lacks x2APIC or OS1 was booted
 * with nox2apic, and otherwise the loader refuses (LOADER-NO-MSR) instead of guessing.
 */
export async function detectApicMode(input: {
  msrDir: string;
  cmdline: string;
  cpuinfo: string;
}): Promise<{ mode: ApicMode; why: string }> {
  const dev = msrPath(input.msrDir);
  if (existsSync(dev)) {
    const v = await readMsr(dev, MSR_APIC_BASE);
    return (v & APIC_BASE_EXTD) !== 0n
      ? { mode: "x2apic", why: `IA32_APIC_BASE is ${hex64(v)} (x2APIC enabled)` }
      : { mode: "xapic", why: `IA32_APIC_BASE is ${hex64(v)} (xAPIC)` };
  }
  if (input.cmdline.split(/\s+/).includes("nox2apic"))
    return { mode: "xapic", why: "OS1 was booted with nox2apic" };
  const flags = /^flags\s*:(.*)$/m.exec(input.cpuinfo)?.[1]?.split(/\s+/) ?? [];
  if (!flags.includes("x2apic")) return { mode: "xapic", why: "the CPU has no x2APIC" };
  throw new LoaderFailure(
    "LOADER-NO-MSR",
    `the CPU supports x2APIC and OS1 may use it, but ${dev} is missing, so the loader can neither check nor send IPIs in x2APIC mode: run "modprobe msr", or boot OS1 with nox2apic`,
  );
}

async function readMsr(dev: string, msr: number): Promise<bigint> {
  const fh = await open(dev, "r");
  try {
    const b = Buffer.alloc(8);
    const { bytesRead } = await fh.read(b, 0, 8, msr);
    if (bytesRead !== 8)
      throw new LoaderFailure("LOADER-IPI", `${dev}: short read of MSR ${hex64(BigInt(msr))}`);
    return b.readBigUInt64LE(0);
  } finally {
    await fh.close();
  }
}

function hex64(v: bigint): string {
  return "0x" + v.toString(16);
}

export interface IpiSender {
  mode: ApicMode;
  send(steps: IpiStep[], signal: AbortSignal, log: (line: string) => void): Promise<void>;
  /**
   * Masks LINT0 in OS1's own local APICs (Linux CPU numbers). Firmware leaves the boot CPU's
   * LINT0 open in virtual-wire mode and Linux keeps it; the shared 8259 PIC then delivers the
   * PIT ticks a booting successor counts to check its local APIC timer to OS1 too, and the
   * successor, missing some, may disable its timer ("APIC timer disabled due to verification
   * failure"). OS1 routes its interrupts through the I/O APIC and has no use for LINT0.
   */
  maskLint0(cpus: number[], signal: AbortSignal, log: (line: string) => void): Promise<void>;
}

const MSR_X2APIC_LVT0 = 0x835;
const LVT_MASKED = 1n << 16n;

/** xAPIC: one run of the helper carries the whole sequence, delays included. */
export function helperSender(helper: string, devMem: string): IpiSender {
  return {
    mode: "xapic",
    async send(steps, signal, log) {
      const argv = [helper, "--mem", devMem, ...steps.map(stepArg)];
      log(`$ ${argv.join(" ")}`);
      const r = await runCommand(argv, { timeoutMs: 30_000, signal });
      for (const line of (r.stdout + r.stderr).split("\n").filter(Boolean)) log(line);
      if (r.code !== 0)
        throw new LoaderFailure(
          "LOADER-IPI",
          `the APIC helper failed (${r.code === null ? "killed" : `exit ${r.code}`}): ${r.stderr.trim().split("\n").pop() ?? "no message"}`,
        );
    },
    async maskLint0(cpus, signal, log) {
      const argv = [helper, "--mem", devMem, "--mask-lint0", cpus.join(",")];
      log(`$ ${argv.join(" ")}`);
      const r = await runCommand(argv, { timeoutMs: 30_000, signal });
      for (const line of (r.stdout + r.stderr).split("\n").filter(Boolean)) log(line);
      if (r.code !== 0)
        throw new LoaderFailure(
          "LOADER-IPI",
          `masking LINT0 in OS1's local APICs failed (${r.code === null ? "killed" : `exit ${r.code}`}): ${r.stderr.trim().split("\n").pop() ?? "no message"}`,
        );
    },
  };
}

/** x2APIC: each IPI is one 8-byte write at offset 0x830 of the msr device. */
export function msrSender(msrDir: string): IpiSender {
  const dev = msrPath(msrDir);
  return {
    mode: "x2apic",
    async send(steps, signal, log) {
      const fh = await open(dev, "r+").catch((err: NodeJS.ErrnoException) => {
        throw new LoaderFailure("LOADER-IPI", `cannot open ${dev}: ${err.code ?? err.message}`);
      });
      try {
        for (const s of steps) {
          const b = Buffer.alloc(8);
          b.writeBigUInt64LE(x2apicIcr(s));
          log(`wrmsr 0x830 ${hex64(x2apicIcr(s))} (${dev})`);
          await fh.write(b, 0, 8, MSR_X2APIC_ICR).catch((err: NodeJS.ErrnoException) => {
            throw new LoaderFailure(
              "LOADER-IPI",
              `writing the x2APIC ICR through ${dev} failed: ${err.code ?? err.message}`,
            );
          });
          if (s.delayAfterUs > 0) await sleep(Math.ceil(s.delayAfterUs / 1000), signal);
        }
      } finally {
        await fh.close();
      }
    },
    // Each CPU's msr device reads and writes that CPU's own registers.
    async maskLint0(cpus, _signal, log) {
      for (const cpu of cpus) {
        const path = join(msrDir, String(cpu), "msr");
        const fh = await open(path, "r+").catch((err: NodeJS.ErrnoException) => {
          throw new LoaderFailure("LOADER-IPI", `cannot open ${path}: ${err.code ?? err.message}`);
        });
        try {
          const b = Buffer.alloc(8);
          await fh.read(b, 0, 8, MSR_X2APIC_LVT0);
          const was = b.readBigUInt64LE();
          if ((was & LVT_MASKED) === 0n) {
            b.writeBigUInt64LE(was | LVT_MASKED);
            await fh.write(b, 0, 8, MSR_X2APIC_LVT0);
          }
          log(`cpu ${cpu}: LINT0 ${hex64(was)} -> ${hex64(was | LVT_MASKED)} (${path})`);
        } catch (err) {
          if (err instanceof LoaderFailure) throw err;
          throw new LoaderFailure(
            "LOADER-IPI",
            `masking LINT0 through ${path} failed: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
          );
        } finally {
          await fh.close();
        }
      }
    },
  };
}
