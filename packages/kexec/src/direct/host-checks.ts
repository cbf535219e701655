// What the direct loader checks in OS1 before it writes anything: OS1's own options, that
// every page it will write is reserved (not System RAM), and that the successor's cores are
// offline. Reads /proc and /sys under configurable roots, so tests run on a temp tree.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { hex, overlaps } from "@tessera/core";
import { LoaderFailure } from "../errors";
import type { DirectPlan } from "./plan-shape";

export interface HostRoots {
  procRoot: string;
  sysRoot: string;
}

export interface IomemEntry {
  start: bigint;
  /** Inclusive, as /proc/iomem prints it. */
  end: bigint;
  name: string;
  depth: number;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new LoaderFailure(
      "LOADER-ENOENT",
      `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)}): the direct loader needs ${what}`,
    );
  }
}

export const readCmdline = (r: HostRoots) =>
  readText(join(r.procRoot, "cmdline"), "OS1's command line");
export const readCpuinfo = (r: HostRoots) =>
  readText(join(r.procRoot, "cpuinfo"), "the cores online in OS1");

/** The options OS1 must run with; each with the failure it prevents. */
export const OS1_OPTIONS: { test: (w: string) => boolean; name: string; why: string }[] = [
  {
    test: (w) => w === "iomem=relaxed",
    name: "iomem=relaxed",
    why: "without it a kernel with IO_STRICT_DEVMEM refuses the mapping of the local APIC page the IPIs go through",
  },
  {
    test: (w) => w === "hpet=disable",
    name: "hpet=disable",
    why: "OS1's HPET in legacy mode keeps the PIT's interrupt from the successor, whose LAPIC timer then fails verification",
  },
  {
    test: (w) => /^maxcpus=\d+$/.test(w),
    name: "maxcpus=N",
    why: "a successor's core must never have been brought up by OS1; bringing it up later would INIT it",
  },
];

export function checkOs1Options(cmdline: string): void {
  const words = cmdline.trim().split(/\s+/);
  const missing = OS1_OPTIONS.filter((o) => !words.some(o.test));
  if (missing.length)
    throw new LoaderFailure(
      "LOADER-OS1-OPTION",
      `OS1 runs without ${missing.map((m) => m.name).join(", ")}: ${missing.map((m) => `${m.name}: ${m.why}`).join("; ")}. Boot OS1 with the plan's options (its GRUB entry) first.`,
    );
}

export function parseIomem(text: string): IomemEntry[] {
  const out: IomemEntry[] = [];
  for (const line of text.split("\n")) {
    const m = /^( *)([0-9a-fA-F]+)-([0-9a-fA-F]+) : (.*)$/.exec(line);
    if (!m) continue;
    out.push({
      start: BigInt("0x" + m[2]),
      end: BigInt("0x" + m[3]),
      name: m[4]!.trim(),
      depth: m[1]!.length / 2,
    });
  }
  return out;
}

export interface PageToWrite {
  what: string;
  start: bigint;
  size: bigint;
}

/** Every range the loader writes or hands to the successor, for the reservation check. */
export function pagesToWrite(plan: DirectPlan): PageToWrite[] {
  return [
    { what: `${plan.name}'s range`, start: plan.memMin, size: plan.memMax - plan.memMin + 1n },
    ...plan.memory
      .filter((r) => !(r.start === plan.memMin && r.size === plan.memMax - plan.memMin + 1n))
      .map((r) => ({ what: `${plan.name}'s range`, start: r.start, size: r.size })),
    { what: `${plan.name}'s low slice`, start: plan.lowMemory.start, size: plan.lowMemory.size },
    { what: `${plan.name}'s mailbox`, start: plan.direct.mailbox, size: 0x1000n },
    { what: "the MP table page", start: plan.direct.mpTable & ~0xfffn, size: 0x1000n },
  ];
}

export function checkReserved(plan: DirectPlan, iomemText: string): void {
  const entries = parseIomem(iomemText);
  if (entries.length > 0 && entries.every((e) => e.start === 0n && e.end === 0n))
    throw new LoaderFailure(
      "LOADER-EPERM",
      "/proc/iomem shows every address as 0: it was read without root, so the loader cannot tell reserved memory from OS1's RAM",
    );
  const ram = entries.filter((e) => e.name === "System RAM");
  const clashes: string[] = [];
  for (const p of pagesToWrite(plan)) {
    const hit = ram.find((r) => overlaps(p, { start: r.start, size: r.end - r.start + 1n }));
    if (hit)
      clashes.push(
        `${p.what} ${hex(p.start)}-${hex(p.start + p.size - 1n)} overlaps OS1's System RAM ${hex(hit.start)}-${hex(hit.end)}`,
      );
  }
  if (clashes.length)
    throw new LoaderFailure(
      "LOADER-NOT-RESERVED",
      `${clashes.join("; ")}. OS1 may be using that memory: boot OS1 with the plan's mem= and memmap=SIZE$ADDR reservations first.`,
    );
}

/** LAPIC IDs of the cores online in OS1: /proc/cpuinfo lists online CPUs with their apicid;
 *  the sysfs online file (absent for a CPU that cannot go offline) confirms each. */
export async function onlineApicIds(r: HostRoots): Promise<number[]> {
  const text = await readCpuinfo(r);
  const ids: number[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const cpu = /^processor\s*:\s*(\d+)/m.exec(block)?.[1];
    const apic = /^apicid\s*:\s*(\d+)/m.exec(block)?.[1];
    if (cpu === undefined || apic === undefined) continue;
    const online = await readFile(
      join(r.sysRoot, "devices", "system", "cpu", `cpu${cpu}`, "online"),
      "utf8",
    ).then(
      (t) => t.trim() === "1",
      () => true,
    );
    if (online) ids.push(Number(apic));
  }
  return ids;
}

export function checkCoresOffline(plan: DirectPlan, online: number[]): void {
  const busy = plan.cpus.filter((c) => online.includes(c));
  if (busy.length)
    throw new LoaderFailure(
      "LOADER-CPU-ONLINE",
      `core(s) with LAPIC ID ${busy.join(",")} are online in OS1: boot OS1 with the plan's maxcpus= so it never brings a successor's cores up (bringing one up later would INIT it under the running successor)`,
    );
}

/** Linux numbers of the CPUs online in OS1 (sysfs `cpu/online`, a list like "0-1,4"). */
export async function os1OnlineCpus(r: HostRoots): Promise<number[]> {
  const path = join(r.sysRoot, "devices", "system", "cpu", "online");
  const text = (await readText(path, "OS1's online CPUs")).trim();
  const out: number[] = [];
  for (const part of text.split(",").filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m)
      throw new LoaderFailure(
        "LOADER-ENOENT",
        `${path} holds ${JSON.stringify(text)}, not a CPU list`,
      );
    for (let c = Number(m[1]); c <= Number(m[2] ?? m[1]); c++) out.push(c);
  }
  return out;
}
