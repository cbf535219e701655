// Platform facts the direct loader needs: OS1's TSC frequency, which only the kernel log
// says ("tsc: Detected 2300.000 MHz processor"), and whether the CPUs run x2APIC (the
// cpuinfo flag). Live, the log is /dev/kmsg read without waiting; in a captured tree the
// same path holds the log as text (scripts/capture.sh writes `dmesg` there).
import type { Platform } from "@tessera/core";
import type { TreeReader } from "./tree-reader";

export const KERNEL_LOG = "/dev/kmsg";

/**
 * OS1's TSC frequency in kHz from its kernel log, in any of its forms (dmesg with or without
 * timestamps, /dev/kmsg records), null when the log does not say. The kernel prints cpu_khz
 * ("Detected N MHz processor"), then tsc_khz where it differs ("Detected N MHz TSC"), and
 * later its refined calibration; the last of these is the frequency it runs with.
 */
export function tscKhzFromLog(text: string): number | null {
  let processor: number | null = null;
  let tsc: number | null = null;
  let refined: number | null = null;
  const re =
    /tsc: (?:Detected ([0-9]+)\.([0-9]{3}) MHz (processor|TSC)|Refined TSC clocksource calibration: ([0-9]+)\.([0-9]{3}) MHz)/g;
  for (const m of text.matchAll(re)) {
    if (m[4] !== undefined) refined = khz(m[4], m[5]!);
    else if (m[3] === "TSC") tsc = khz(m[1]!, m[2]!);
    else processor = khz(m[1]!, m[2]!);
  }
  const best = refined ?? tsc ?? processor;
  return best !== null && best > 0 ? best : null;
}

function khz(mhz: string, frac: string): number {
  return Number(mhz) * 1000 + Number(frac);
}

/** The x2apic flag of the first processor in /proc/cpuinfo; null when it lists no flags. */
export function x2apicFromCpuinfo(text: string): boolean | null {
  const m = /^flags\s*:(.*)$/m.exec(text);
  return m ? m[1]!.split(/\s+/).includes("x2apic") : null;
}

/** The kernel log proves x2APIC when the kernel switched to it; it never proves its absence. */
export function x2apicFromLog(text: string): true | null {
  return /x2apic enabled|x2apic: enabled by BIOS|APIC routing to:? (?:physical|cluster) x2apic/.test(
    text,
  )
    ? true
    : null;
}

export interface PlatformText {
  /** The kernel log (dmesg output or /dev/kmsg records). */
  log?: string | null;
  cpuinfo?: string | null;
  /** OS1's /proc/cmdline: nox2apic there hides the flag, so its absence proves nothing. */
  cmdline?: string | null;
  /** Where the log comes from, for the unknown list. */
  logName?: string;
}

/** Platform facts from text; what cannot be known goes to `unknown`, in words. */
export function platformFromText(t: PlatformText, unknown: string[]): Platform {
  let tscKhz: number | null = null;
  if (t.log === undefined || t.log === null) {
    unknown.push(`TSC frequency: no kernel log (${t.logName ?? "dmesg"}) to read it from`);
  } else {
    tscKhz = tscKhzFromLog(t.log);
    if (tscKhz === null)
      unknown.push(
        "TSC frequency: no 'tsc: Detected ... MHz' line in the kernel log (its start may have been overwritten)",
      );
  }
  let x2apic = t.cpuinfo ? x2apicFromCpuinfo(t.cpuinfo) : null;
  if (x2apic === false && t.cmdline && /(^|\s)nox2apic(\s|$)/.test(t.cmdline)) x2apic = null;
  if (x2apic !== true && t.log) x2apic = x2apicFromLog(t.log) ?? x2apic;
  if (x2apic === null) unknown.push("x2APIC: no cpuinfo flags and nothing in the kernel log");
  return { tscKhz, x2apic };
}

/** The platform facts of the host (or captured tree) behind `r`. */
export async function readPlatform(r: TreeReader, unknown: string[]): Promise<Platform> {
  const log = await r.drain(KERNEL_LOG);
  // readCpus read cpuinfo already: its recorded bytes are what it saw.
  const cpuinfo = r.record.files.get("/proc/cpuinfo")?.toString("utf8") ?? null;
  const cmdline = await r.line("/proc/cmdline");
  const text = log === null ? null : log.toString("utf8");
  return platformFromText({ log: text, cpuinfo, cmdline, logName: KERNEL_LOG }, unknown);
}
