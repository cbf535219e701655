// Lookups over a machine, computed once per machine object and cached: validation runs on
// every drag event, so it must not re-sort 1024 cores or 4096 devices each time.
import type { Cpu, Device, LegacyDevice, Machine, MemoryRegion, Range } from "./model";
import { MiB, KiB } from "./units";

export const LOW_MEMORY_END = MiB;
/** Every Linux kernel keeps the first 64 KiB for the BIOS (CONFIG_X86_RESERVE_LOW). */
export const LOW_RESERVED_END = 64n * KiB;

export interface MachineIndex {
  /** Present cores in ascending LAPIC ID order. */
  apicIds: number[];
  /** LAPIC ID -> position in apicIds. */
  position: Map<number, number>;
  cpuByApic: Map<number, Cpu>;
  deviceById: Map<string, Device>;
  /** Usable RAM, sorted and merged where regions touch. */
  usable: MemoryRegion[];
  /** Usable RAM below 1 MiB and above the 64 KiB every kernel reserves. */
  usableLow: Range[];
  /** PCI device id -> "vvvv:dddd", the pair stock options name devices by. */
  pciPair: Map<string, string>;
  /** Ids of the devices an instance can own: all but bridges (class 0x06), which carry no workload. */
  assignable: string[];
  /** The legacy devices (a handful, even on the largest machine). */
  legacy: LegacyDevice[];
}

const cache = new WeakMap<Machine, MachineIndex>();

export function indexMachine(m: Machine): MachineIndex {
  let idx = cache.get(m);
  if (idx) return idx;
  const apicIds = m.cpus.map((c) => c.apicId).sort((a, b) => a - b);
  const position = new Map<number, number>();
  apicIds.forEach((a, i) => position.set(a, i));
  const cpuByApic = new Map(m.cpus.map((c) => [c.apicId, c] as const));
  const deviceById = new Map(m.devices.map((d) => [d.id, d] as const));
  const usable = mergeRegions(m.memoryMap.filter((r) => r.type === "usable"));
  const usableLow: Range[] = [];
  for (const r of usable) {
    const start = r.start > LOW_RESERVED_END ? r.start : LOW_RESERVED_END;
    const end = r.start + r.size < LOW_MEMORY_END ? r.start + r.size : LOW_MEMORY_END;
    if (end > start) usableLow.push({ start, size: end - start });
  }
  const pciPair = new Map<string, string>();
  for (const d of m.devices) {
    if (d.bus === "pci")
      pciPair.set(
        d.id,
        `${d.vendor.toString(16).padStart(4, "0")}:${d.device.toString(16).padStart(4, "0")}`,
      );
  }
  const assignable = m.devices
    .filter((d) => d.bus !== "pci" || d.class >> 16 !== 0x06)
    .map((d) => d.id);
  const legacy = m.devices.filter((d): d is LegacyDevice => d.bus === "legacy");
  idx = {
    apicIds,
    position,
    cpuByApic,
    deviceById,
    usable,
    usableLow,
    pciPair,
    assignable,
    legacy,
  };
  cache.set(m, idx);
  return idx;
}

function mergeRegions(regions: MemoryRegion[]): MemoryRegion[] {
  const sorted = [...regions].sort((a, b) => cmp(a.start, b.start));
  const out: MemoryRegion[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.start + last.size >= r.start && (last.node ?? null) === (r.node ?? null)) {
      const end =
        r.start + r.size > last.start + last.size ? r.start + r.size : last.start + last.size;
      last.size = end - last.start;
    } else {
      out.push({ ...r });
    }
  }
  return out;
}

export function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The parts of `r` that are not usable RAM (empty when every byte is usable). */
export function notUsableParts(idx: MachineIndex, r: Range): Range[] {
  const out: Range[] = [];
  let cursor = r.start;
  const end = r.start + r.size;
  for (const u of idx.usable) {
    const uEnd = u.start + u.size;
    if (uEnd <= cursor) continue;
    if (u.start >= end) break;
    if (u.start > cursor) out.push({ start: cursor, size: u.start - cursor });
    cursor = uEnd;
    if (cursor >= end) break;
  }
  if (cursor < end) out.push({ start: cursor, size: end - cursor });
  return out;
}

/** Usable bytes inside `r`. */
export function usableBytesIn(idx: MachineIndex, r: Range): bigint {
  let total = 0n;
  const end = r.start + r.size;
  for (const u of idx.usable) {
    const s = u.start > r.start ? u.start : r.start;
    const e = u.start + u.size < end ? u.start + u.size : end;
    if (e > s) total += e - s;
  }
  return total;
}

/** Usable bytes of `r` on each known NUMA node (RAM whose node is unknown is left out). */
export function usableBytesByNode(idx: MachineIndex, r: Range, into: Map<number, bigint>): void {
  const end = r.start + r.size;
  for (const u of idx.usable) {
    if (u.node === undefined || u.node === null) continue;
    const s = u.start > r.start ? u.start : r.start;
    const e = u.start + u.size < end ? u.start + u.size : end;
    if (e > s) into.set(u.node, (into.get(u.node) ?? 0n) + (e - s));
  }
}

/** Formats LAPIC IDs as runs: [0,1,2,3,8] -> "0-3, 8". */
export function formatCpuList(ids: number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(", ");
}
