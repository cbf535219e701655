// Low memory (below 1 MiB) is where x86 starts a core in real mode: each successor needs a
// slice of its own for its SIPI start page and real-mode trampoline (DOMAIN.md section 2).
// One function assigns the slices, so the validator and the planner can never disagree.
import type { Profile, Range } from "./model";
import { type MachineIndex, LOW_RESERVED_END, LOW_MEMORY_END } from "./machine-index";
import { KiB, overlaps } from "./units";

/** What the planner gives a successor that names no slice. */
export const AUTO_SLICE = 64n * KiB;
/** Verified minimum: with 16 KiB or 8 KiB a successor hangs in early boot. */
export const MIN_SLICE = 32n * KiB;
/** Usable low memory OS1 keeps for its own trampoline. */
export const OS1_LOW_RESERVE = 64n * KiB;

export interface SliceAssignment {
  /** Per instance index (0 = OS1, always null). */
  slices: (Range | null)[];
  /** Instance indexes that asked for an automatic slice and got none. */
  unassigned: number[];
  /** Whether the slice was chosen by the planner. */
  auto: boolean[];
  /** Usable low memory left to OS1, in bytes. */
  leftForOs1: bigint;
}

/** How many slices of `size` fit in usable low memory, keeping OS1's reserve. */
export function lowCapacity(idx: MachineIndex, size: bigint): number {
  let slots = 0n;
  for (const r of idx.usableLow) {
    const first = ((r.start + size - 1n) / size) * size;
    const end = r.start + r.size;
    if (end > first) slots += (end - first) / size;
  }
  const reserveSlots = (OS1_LOW_RESERVE + size - 1n) / size;
  const n = slots - reserveSlots;
  return n > 0n ? Number(n) : 0;
}

export function assignLowSlices(idx: MachineIndex, profile: Profile): SliceAssignment {
  const n = profile.instances.length;
  const slices: (Range | null)[] = new Array(n).fill(null);
  const auto: boolean[] = new Array(n).fill(false);
  const taken: Range[] = [];
  for (let i = 1; i < n; i++) {
    const low = profile.instances[i]!.lowMemory;
    if (low) {
      slices[i] = low;
      taken.push(low);
    }
  }
  let left = usableLowFree(idx, taken);
  const unassigned: number[] = [];
  for (let i = 1; i < n; i++) {
    if (slices[i]) continue;
    const slot =
      left - AUTO_SLICE >= OS1_LOW_RESERVE ? highestFreeSlot(idx, taken, AUTO_SLICE) : null;
    if (slot) {
      slices[i] = slot;
      auto[i] = true;
      taken.push(slot);
      left -= AUTO_SLICE;
    } else {
      unassigned.push(i);
    }
  }
  return { slices, unassigned, auto, leftForOs1: left };
}

/** Usable low bytes not covered by `taken`. */
export function usableLowFree(idx: MachineIndex, taken: Range[]): bigint {
  let total = 0n;
  for (const r of idx.usableLow) {
    total += r.size;
    for (const t of taken) {
      const s = t.start > r.start ? t.start : r.start;
      const e = t.start + t.size < r.start + r.size ? t.start + t.size : r.start + r.size;
      if (e > s) total -= e - s;
    }
  }
  return total;
}

/** Highest `size`-aligned slot inside usable low memory that touches no taken range. */
function highestFreeSlot(idx: MachineIndex, taken: Range[], size: bigint): Range | null {
  for (let k = idx.usableLow.length - 1; k >= 0; k--) {
    const r = idx.usableLow[k]!;
    let start = ((r.start + r.size) / size) * size - size;
    while (start >= r.start && start >= LOW_RESERVED_END) {
      const slot = { start, size };
      if (start + size <= LOW_MEMORY_END && !taken.some((t) => overlaps(t, slot))) return slot;
      start -= size;
    }
  }
  return null;
}

/**
 * The SIPI vector that starts a core at a low slice: its first page number (a core woken by
 * STARTUP runs in real mode at vector << 12). One definition for the planner and the console.
 */
export function sipiVector(slice: Range): number {
  return Number(slice.start >> 12n);
}
