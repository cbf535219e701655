// The physical address map as the memory bar draws it, and the free-space arithmetic for
// placing a typed-size chunk (first fit).
import { MiB, type E820Type, type Machine, type Profile, type Range } from "@tessera/core";
import { mergeRanges, subtractRange } from "./edits";

export const SNAP = 2n * MiB;
export const PAGE = 4096n;
export const ONE_MIB = MiB;

export interface Segment {
  start: bigint;
  size: bigint;
  /** An e820 type, or "hole" where the firmware map says nothing. */
  type: E820Type | "hole";
  node?: number | null;
}

/** The e820 map with the holes between regions made explicit, from 0 to the last end. */
export function segments(machine: Machine): Segment[] {
  const regions = [...machine.memoryMap].sort((a, b) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : 0,
  );
  const out: Segment[] = [];
  let at = 0n;
  for (const r of regions) {
    if (r.start > at) out.push({ start: at, size: r.start - at, type: "hole" });
    out.push({ start: r.start, size: r.size, type: r.type, node: r.node ?? null });
    const end = r.start + r.size;
    if (end > at) at = end;
  }
  return out;
}

export function addressSpaceEnd(machine: Machine): bigint {
  let end = 0n;
  for (const r of machine.memoryMap) if (r.start + r.size > end) end = r.start + r.size;
  return end === 0n ? 4n * 1024n * MiB : end;
}

/** Every range some instance holds, low slices included. */
export function takenRanges(profile: Profile, except?: number): Range[] {
  const out: Range[] = [];
  profile.instances.forEach((inst, i) => {
    if (i === except) return;
    out.push(...inst.memory);
    if (inst.lowMemory) out.push(inst.lowMemory);
  });
  return out;
}

/** Usable RAM nobody holds, as merged ranges. */
export function freeUsable(machine: Machine, profile: Profile): Range[] {
  let free: Range[] = mergeRanges(
    machine.memoryMap
      .filter((r) => r.type === "usable")
      .map((r) => ({ start: r.start, size: r.size })),
  );
  for (const t of takenRanges(profile)) free = free.flatMap((r) => subtractRange(r, t));
  return free;
}

function alignUp(v: bigint, a: bigint): bigint {
  return ((v + a - 1n) / a) * a;
}

/** The first free usable range of `size` bytes (2 MiB aligned, above 1 MiB). */
export function firstFit(machine: Machine, profile: Profile, size: bigint): Range | null {
  for (const r of freeUsable(machine, profile)) {
    const s = alignUp(r.start < ONE_MIB ? ONE_MIB : r.start, SNAP);
    if (s + size <= r.start + r.size) return { start: s, size };
  }
  return null;
}

/** Snaps an address to 2 MiB above 1 MiB, to 4 KiB below it. */
export function snap(addr: bigint): bigint {
  const unit = addr < ONE_MIB ? PAGE : SNAP;
  return ((addr + unit / 2n) / unit) * unit;
}

/** The e820 type at an address ("hole" outside the map). */
export function typeAt(machine: Machine, addr: bigint): E820Type | "hole" {
  for (const r of machine.memoryMap) if (addr >= r.start && addr < r.start + r.size) return r.type;
  return "hole";
}

/** 0x7ff00000 as "0x7ff0_0000": easier to read at a glance. */
export function hexAddr(v: bigint): string {
  const h = v.toString(16);
  const groups: string[] = [];
  for (let i = h.length; i > 0; i -= 4) groups.unshift(h.slice(Math.max(0, i - 4), i));
  return "0x" + groups.join("_");
}

/** A size in GiB, MiB or KiB: exact when it is a whole number of the unit, else to 0.01. */
export function sizeLabel(v: bigint): string {
  const KiB = 1024n;
  const GiB = 1024n * MiB;
  if (v >= GiB)
    return v % GiB === 0n ? `${v / GiB} GiB` : `${(Number(v) / Number(GiB)).toFixed(2)} GiB`;
  if (v >= MiB)
    return v % MiB === 0n ? `${v / MiB} MiB` : `${(Number(v) / Number(MiB)).toFixed(2)} MiB`;
  if (v >= KiB)
    return v % KiB === 0n ? `${v / KiB} KiB` : `${(Number(v) / Number(KiB)).toFixed(2)} KiB`;
  return `${v} B`;
}

/** A range the one way the console writes it: "0x1_0000_0000–0x2_ffff_ffff (8 GiB)". */
export function rangeLabel(r: { start: bigint; size: bigint }): string {
  return `${hexAddr(r.start)}–${hexAddr(r.start + r.size - 1n)} (${sizeLabel(r.size)})`;
}
