// Helpers that find free resources: the hints in diagnostics and the console's "fill the
// rest" buttons use the same search.
import type { Machine, Profile, Range } from "./model";
import { indexMachine, type MachineIndex, LOW_MEMORY_END } from "./machine-index";
import { MiB, overlaps } from "./units";

/**
 * Runs of `count` consecutive present cores that no instance other than `self` holds, in
 * ascending LAPIC order (non-overlapping, first fit).
 */
export function freeCpuRuns(
  idx: MachineIndex,
  ownerOf: (apicId: number) => number | undefined,
  self: number,
  count: number,
): number[][] {
  const runs: number[][] = [];
  let current: number[] = [];
  for (const a of idx.apicIds) {
    const o = ownerOf(a);
    if (o === undefined || o === self) {
      current.push(a);
      if (current.length === count) {
        runs.push(current);
        current = [];
      }
    } else {
      current = [];
    }
  }
  return runs;
}

function ownerMap(p: Profile): Map<number, number> {
  const owner = new Map<number, number>();
  p.instances.forEach((inst, i) => inst.cpus.forEach((a) => owner.has(a) || owner.set(a, i)));
  return owner;
}

/**
 * The next free run of `count` cores for instance `index`: for OS1 the run from the boot
 * core, for a successor the first free run after the previous instance's cores (or the
 * first free run anywhere). Null when none is left.
 */
export function nextFreeCpuRun(
  m: Machine,
  p: Profile,
  index: number,
  count: number,
): number[] | null {
  if (count < 1) return null;
  const idx = indexMachine(m);
  const owner = ownerMap(p);
  const runs = freeCpuRuns(idx, (a) => owner.get(a), index, count);
  if (index === 0) return runs[0]?.[0] === idx.apicIds[0] ? runs[0]! : null;
  const prev = p.instances[index - 1]?.cpus.filter((a) => idx.position.has(a)) ?? [];
  const after = prev.length ? Math.max(...prev.map((a) => idx.position.get(a)!)) : -1;
  return runs.find((r) => idx.position.get(r[0]!)! > after) ?? runs[0] ?? null;
}

/**
 * The largest usable range above 1 MiB that no instance holds (OS1's whole mem= range
 * counts as held), trimmed to `align` (2 MiB by default) at both ends. Null when none.
 */
export function largestFreeRange(m: Machine, p: Profile, align: bigint = 2n * MiB): Range | null {
  const idx = indexMachine(m);
  const held: Range[] = [];
  for (const inst of p.instances) {
    held.push(...inst.memory);
    if (inst.lowMemory) held.push(inst.lowMemory);
  }
  held.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let best: Range | null = null;
  for (const u of idx.usable) {
    let cursor = u.start < LOW_MEMORY_END ? LOW_MEMORY_END : u.start;
    const end = u.start + u.size;
    const consider = (s: bigint, e: bigint) => {
      const start = ((s + align - 1n) / align) * align;
      const stop = (e / align) * align;
      if (stop > start && (!best || stop - start > best.size)) best = { start, size: stop - start };
    };
    for (const h of held) {
      if (!overlaps(h, { start: cursor, size: end > cursor ? end - cursor : 0n })) continue;
      if (h.start > cursor) consider(cursor, h.start);
      const hEnd = h.start + h.size;
      if (hEnd > cursor) cursor = hEnd;
    }
    if (end > cursor) consider(cursor, end);
  }
  return best;
}

/**
 * The machine as it runs before any partitioning: OS1 alone, with every present core, its
 * memory from 0 to the end of usable RAM (4 KiB aligned), and every device but bridges. The
 * natural first draft on a new machine: take from OS1 what each successor needs.
 */
export function hostLayout(m: Machine, name = "this machine"): Profile {
  const idx = indexMachine(m);
  const last = idx.usable[idx.usable.length - 1];
  const end = last ? ((last.start + last.size + 4095n) / 4096n) * 4096n : 0n;
  return {
    schema: "tessera/profile@1",
    name,
    instances: [
      {
        name: "os1",
        cpus: [...idx.apicIds],
        memory: end > 0n ? [{ start: 0n, size: end }] : [],
        devices: [...idx.assignable],
      },
    ],
  };
}
