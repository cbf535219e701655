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
  /**
   * The same as a table indexed by LAPIC ID (-1: no such core), when the IDs are dense
   * enough for one (null otherwise): positionOf() reads it on every core of every drag.
   */
  apicSlot: Int32Array | null;
  cpuByApic: Map<number, Cpu>;
  /** The core at each position of apicIds. */
  cpuAt: Cpu[];
  deviceById: Map<string, Device>;
  /** Usable RAM, sorted and merged where regions touch. */
  usable: MemoryRegion[];
  /** Usable RAM below 1 MiB and above the 64 KiB every kernel reserves. */
  usableLow: Range[];
  /** PCI device id -> "vvvv:dddd", the pair stock options name devices by. */
  pciPair: Map<string, string>;
  /** Ids of the devices an instance can own: all but bridges (class 0x06), which carry no workload. */
  assignable: string[];
  /**
   * Dense numbers for the machine's device ids (the id's last place in m.devices, as
   * deviceById keeps the last), so a validation looks each listed id up once and keeps
   * per-device state in typed arrays instead of string-keyed maps.
   */
  deviceNo: Map<string, number>;
  /** m.devices.length: the size of a per-device table. */
  deviceSlots: number;
  /** Device number -> number of its pciPair in `pairs`, -1 when it has none. */
  pairNo: Int32Array;
  /** The distinct pciPair values, numbered. */
  pairs: string[];
  /** The device numbers of `assignable`, in its order. */
  assignableNo: Int32Array;
  /**
   * Device number -> the I/O APIC line it raises its interrupts on (intxLineOf), NaN for
   * none; and whether its MSI support is unknown (msiUnknownOf). Read on every drag.
   */
  intxAt: Float64Array;
  msiUnknownAt: Uint8Array;
  /** Device number -> dense number of its IOMMU group (PCI devices that have one), else -1. */
  groupNo: Int32Array;
  groupCount: number;
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
  const cpuAt = apicIds.map((a) => cpuByApic.get(a)!);
  const top = apicIds.length ? apicIds[apicIds.length - 1]! : -1;
  let apicSlot: Int32Array | null = null;
  if (top < 16 * apicIds.length + 1024 && apicIds.every((a) => Number.isInteger(a) && a >= 0)) {
    apicSlot = new Int32Array(top + 1).fill(-1);
    for (const [a, n] of position) apicSlot[a] = n;
  }
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
  const deviceNo = new Map(m.devices.map((d, n) => [d.id, n] as const));
  const pairNo = new Int32Array(m.devices.length).fill(-1);
  const pairs: string[] = [];
  const numbered = new Map<string, number>();
  for (const [id, pair] of pciPair) {
    let n = numbered.get(pair);
    if (n === undefined) numbered.set(pair, (n = pairs.push(pair) - 1));
    pairNo[deviceNo.get(id)!] = n;
  }
  const assignableNo = Int32Array.from(assignable, (id) => deviceNo.get(id)!);
  const intxAt = Float64Array.from(m.devices, (d) => intxLineOf(d) ?? NaN);
  const msiUnknownAt = Uint8Array.from(m.devices, (d) => (msiUnknownOf(d) ? 1 : 0));
  const groupNo = new Int32Array(m.devices.length).fill(-1);
  const groups = new Map<number, number>();
  m.devices.forEach((d, n) => {
    if (d.bus !== "pci" || d.iommuGroup === null) return;
    let g = groups.get(d.iommuGroup);
    if (g === undefined) groups.set(d.iommuGroup, (g = groups.size));
    groupNo[n] = g;
  });
  idx = {
    apicIds,
    position,
    apicSlot,
    cpuByApic,
    cpuAt,
    deviceById,
    usable,
    usableLow,
    pciPair,
    assignable,
    legacy,
    deviceNo,
    deviceSlots: m.devices.length,
    pairNo,
    pairs,
    assignableNo,
    intxAt,
    msiUnknownAt,
    groupNo,
    groupCount: groups.size,
  };
  cache.set(m, idx);
  return idx;
}

/** A device that will raise its interrupts through an I/O APIC line, and which line. */
export function intxLineOf(d: Device): number | null {
  if (d.bus === "legacy") return d.irq;
  if (d.irq.msi || d.irq.msix) return null;
  // Unknown MSI support: whether it uses the line cannot be told (DEV-MSI-UNKNOWN says so).
  if (d.irq.msi === null || d.irq.msix === null) return null;
  return d.irq.pin !== null ? d.irq.line : null;
}

/** A PCI device with an INTx pin whose MSI/MSI-X support is unknown and not known present. */
export function msiUnknownOf(d: Device): boolean {
  return (
    d.bus === "pci" &&
    d.irq.pin !== null &&
    d.irq.msi !== true &&
    d.irq.msix !== true &&
    (d.irq.msi === null || d.irq.msix === null)
  );
}

/** Position of a LAPIC ID in idx.apicIds, -1 when it is no present core. */
export function positionOf(idx: MachineIndex, apicId: number): number {
  if (idx.apicSlot) return idx.apicSlot[apicId] ?? -1;
  return idx.position.get(apicId) ?? -1;
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
