// Rules about memory (SPEC.md: MEM-*). OS1 owns [0, mem=) minus the successors' low slices;
// every successor range is usable RAM, byte for byte, outside OS1's range.
import { ownEntry } from "./own-entry";
import type { Range } from "./model";
import { LOW_MEMORY_END, LOW_RESERVED_END, notUsableParts, usableBytesIn } from "./machine-index";
import { AUTO_SLICE, MIN_SLICE, OS1_LOW_RESERVE, lowCapacity } from "./low-memory";
import { MiB, PAGE, hex, humanSize, overlaps } from "./units";
import { instanceLabel, report, type Ctx } from "./rule-context";
import { largestFreeRange } from "./suggest";

const MIN_MEMORY = 128n * MiB;
const WORKING_MEMORY = 64n * MiB;
const DEFAULT_KERNEL_ALIGN = 2n * MiB;

function show(r: Range): string {
  return `${hex(r.start)}-${hex(r.start + r.size - 1n)} (${humanSize(r.size)})`;
}

export function checkMemory(ctx: Ctx): void {
  ctx.p.instances.forEach((inst, i) => {
    const label = instanceLabel(ctx, i);
    const path = `instances[${i}].memory`;
    if (inst.memory.length === 0) {
      const free = i === 0 ? null : largestFreeRange(ctx.m, ctx.p);
      report(
        ctx,
        "MEM-NONE",
        i,
        path,
        `${label} has no memory.`,
        i === 0
          ? 'Give OS1 one range from 0, e.g. {"start": "0x0", "size": "4G"}.'
          : free
            ? `Give it memory, e.g. the free range ${show(free)}.`
            : "Free memory in another instance first.",
      );
    }
    inst.memory.forEach((r, k) => checkAlignment(ctx, i, r, `${path}[${k}]`, k === 0));
    if (i === 0) checkOs1(ctx);
    else checkSuccessor(ctx, i);
  });
  checkLowSlices(ctx);
  checkOverlaps(ctx);
}

function checkAlignment(ctx: Ctx, i: number, r: Range, path: string, main: boolean): void {
  const label = instanceLabel(ctx, i);
  if (r.size === 0n) {
    report(
      ctx,
      "MEM-ALIGN",
      i,
      `${path}.size`,
      `${label} has an empty memory range at ${hex(r.start)}.`,
      "Give the range a size, or remove it.",
      { ranges: [r] },
    );
    return;
  }
  if (r.start % PAGE !== 0n || r.size % PAGE !== 0n) {
    const field = r.start % PAGE !== 0n ? "start" : "size";
    report(
      ctx,
      "MEM-ALIGN",
      i,
      `${path}.${field}`,
      `${label}'s range ${show(r)} is not 4 KiB aligned (its ${field}).`,
      `Use ${hex((r.start / PAGE) * PAGE)} with size ${hex(((r.size + PAGE - 1n) / PAGE) * PAGE)}, or another 4 KiB multiple.`,
      { ranges: [r] },
    );
    return;
  }
  if (i > 0 && main) {
    const inst = ctx.p.instances[i]!;
    const facts = inst.kernel ? ownEntry(ctx.facts.kernels, inst.kernel) : undefined;
    const align = facts?.kernelAlignment ?? DEFAULT_KERNEL_ALIGN;
    if (r.start % align !== 0n) {
      const up = ((r.start + align - 1n) / align) * align;
      report(
        ctx,
        "MEM-ALIGN",
        i,
        `${path}.start`,
        `${label}'s main range starts at ${hex(r.start)}, not on its kernel's ${humanSize(align)} alignment${facts ? "" : " (the common default)"}: the kernel would run below or outside the range.`,
        `Start it at ${hex(up)}${r.size > up - r.start ? ` (size ${hex(r.size - (up - r.start))})` : ""}.`,
        { ranges: [r] },
      );
    }
  }
}

function checkOs1(ctx: Ctx): void {
  const inst = ctx.p.instances[0]!;
  const label = instanceLabel(ctx, 0);
  if (inst.memory.length === 0) return;
  if (inst.memory.length !== 1 || inst.memory[0]!.start !== 0n) {
    const end = inst.memory.reduce((e, r) => (r.start + r.size > e ? r.start + r.size : e), 0n);
    report(
      ctx,
      "MEM-OS1-START",
      0,
      "instances[0].memory",
      `${label} (OS1) has ${inst.memory.length === 1 ? `one range starting at ${hex(inst.memory[0]!.start)}` : `${inst.memory.length} ranges`}: OS1's memory is everything from 0 up to its mem= limit, so it is one range from 0.`,
      `Use one range {"start": "0x0", "size": "${hex(end)}"}; firmware holes inside it are fine.`,
      { ranges: inst.memory },
    );
    return;
  }
  const main = inst.memory[0]!;
  let usable = usableBytesIn(ctx.idx, main);
  for (const s of ctx.slices.slices)
    if (s && s.start < main.size) usable -= usableBytesIn(ctx.idx, s);
  if (usable < MIN_MEMORY) {
    report(
      ctx,
      "MEM-TOO-SMALL",
      0,
      "instances[0].memory[0].size",
      `${label} (OS1) would have ${humanSize(usable)} of usable RAM below its mem= limit ${hex(main.size)}; it needs at least ${humanSize(MIN_MEMORY)}.`,
      "Raise OS1's limit: give it a larger range from 0.",
      { ranges: [main] },
    );
  }
}

function checkSuccessor(ctx: Ctx, i: number): void {
  const inst = ctx.p.instances[i]!;
  const label = instanceLabel(ctx, i);
  const os1 = ctx.p.instances[0]!.memory[0];
  inst.memory.forEach((r, k) => {
    const path = `instances[${i}].memory[${k}]`;
    const bad = notUsableParts(ctx.idx, r);
    if (bad.length) {
      report(
        ctx,
        "MEM-NOT-USABLE",
        i,
        path,
        `${label}'s range ${show(r)} is not all usable RAM: ${bad.flatMap((b) => describeParts(ctx, b)).join("; ")}.`,
        usableHint(ctx, r),
        { ranges: bad },
      );
    }
    if (os1 && os1.start === 0n && overlaps(r, os1)) {
      report(
        ctx,
        "MEM-OVERLAP",
        i,
        path,
        `${label}'s range ${show(r)} lies inside OS1's memory (0x0-${hex(os1.size - 1n)}): OS1 uses everything below its mem= limit.`,
        `Move the range to ${hex(os1.size)} or above, or lower OS1's limit to ${hex(r.start)}.`,
        { ranges: [r] },
      );
    }
  });
  const main = inst.memory[0];
  if (main && main.size > 0n) {
    const kernel = inst.kernel ? ownEntry(ctx.facts.kernels, inst.kernel) : undefined;
    const initrdSize = inst.initrd ? ownEntry(ctx.facts.fileSizes, inst.initrd) : 0n;
    const known = kernel !== undefined && initrdSize !== undefined;
    const need = known ? kernel.initSize + initrdSize + WORKING_MEMORY : MIN_MEMORY;
    if (main.size < need) {
      report(
        ctx,
        "MEM-TOO-SMALL",
        i,
        `instances[${i}].memory[0].size`,
        known
          ? `${label}'s main range is ${humanSize(main.size)}; its kernel needs ${humanSize(kernel.initSize)} (init_size) + ${humanSize(initrdSize)} initrd + ${humanSize(WORKING_MEMORY)} to work in = ${humanSize(need)}.`
          : `${label}'s main range is ${humanSize(main.size)}; a successor needs at least ${humanSize(MIN_MEMORY)} (the kernel's size is not known here).`,
        `Make it at least ${humanSize(need)}.`,
        { ranges: [main] },
      );
    }
  }
}

/** Splits a non-usable range into the e820 regions and holes it covers, in words. */
function describeParts(ctx: Ctx, b: Range): string[] {
  const out: string[] = [];
  let cursor = b.start;
  const end = b.start + b.size;
  const regions = ctx.m.memoryMap
    .filter((r) => r.type !== "usable" && overlaps(r, b))
    .sort((x, y) => (x.start < y.start ? -1 : 1));
  const piece = (s: bigint, e: bigint, what: string) =>
    out.push(`${show({ start: s, size: e - s })} is ${what}`);
  for (const r of regions) {
    const s = r.start > cursor ? r.start : cursor;
    const e = r.start + r.size < end ? r.start + r.size : end;
    if (s > cursor) piece(cursor, s, hole(cursor));
    if (e > s) piece(s, e, `${r.type}${apicWindow(s, e)}`);
    if (e > cursor) cursor = e;
  }
  if (cursor < end) piece(cursor, end, hole(cursor));
  return out;
}

function hole(at: bigint): string {
  return at >= 0xfec00000n && at < 0x100000000n
    ? "a hole (MMIO below 4 GiB)"
    : "a hole (not in the firmware's map)";
}

function apicWindow(s: bigint, e: bigint): string {
  if (s <= 0xfec00000n && e > 0xfec00000n) return " (the I/O APIC window)";
  if (s <= 0xfee00000n && e > 0xfee00000n) return " (the local APIC window)";
  return "";
}

function usableHint(ctx: Ctx, r: Range): string {
  // The largest usable piece of the asked range, 2 MiB aligned: the closest valid choice.
  let best: Range | null = null;
  for (const u of ctx.idx.usable) {
    const s = u.start > r.start ? u.start : r.start;
    const e = u.start + u.size < r.start + r.size ? u.start + u.size : r.start + r.size;
    const a = ((s + DEFAULT_KERNEL_ALIGN - 1n) / DEFAULT_KERNEL_ALIGN) * DEFAULT_KERNEL_ALIGN;
    if (e > a && (!best || e - a > best.size)) best = { start: a, size: e - a };
  }
  return best
    ? `Keep to usable RAM, e.g. ${show(best)}.`
    : "Choose a range inside a usable e820 region.";
}

function checkLowSlices(ctx: Ctx): void {
  const { slices } = ctx;
  ctx.p.instances.forEach((inst, i) => {
    if (i === 0) return;
    const label = instanceLabel(ctx, i);
    const path = `instances[${i}].lowMemory`;
    const low = inst.lowMemory;
    if (!low) {
      if (slices.unassigned.includes(i)) {
        const n64 = lowCapacity(ctx.idx, AUTO_SLICE);
        const n32 = lowCapacity(ctx.idx, MIN_SLICE);
        report(
          ctx,
          "MEM-LOW-SLICE",
          i,
          path,
          `Low memory has no room left for ${label}'s slice: each successor needs its own pages below 1 MiB to start its cores. This machine holds ${n64} successors with ${humanSize(AUTO_SLICE)} slices (${n64 + 1} instances in all), ${n32} with ${humanSize(MIN_SLICE)} slices (${n32 + 1} in all).`,
          ctx.p.instances.length - 1 <= n32
            ? `Give each successor an explicit 32 KiB lowMemory slice, or remove instances.`
            : `Remove instances: at most ${n32 + 1} fit.`,
        );
      }
      return;
    }
    const problems: string[] = [];
    if (low.start % PAGE !== 0n || low.size % PAGE !== 0n) problems.push("it is not 4 KiB aligned");
    if (low.size < MIN_SLICE)
      problems.push(
        `it is smaller than ${humanSize(MIN_SLICE)}, the verified minimum (smaller slices hang in early boot)`,
      );
    if (low.start + low.size > LOW_MEMORY_END)
      problems.push("it reaches above 1 MiB, where a core cannot start in real mode");
    if (low.start < LOW_RESERVED_END)
      problems.push("it starts below 64 KiB, which every Linux kernel reserves for the BIOS");
    if (notUsableParts(ctx.idx, low).length) problems.push("it is not all usable RAM");
    if (problems.length) {
      report(
        ctx,
        "MEM-LOW-SLICE",
        i,
        path,
        `${label}'s low slice ${show(low)} cannot be used: ${problems.join("; ")}.`,
        "Leave lowMemory out to let the planner choose a 64 KiB slice, or give a 4 KiB aligned slice of 32 KiB or more in usable RAM between 0x10000 and 0x100000.",
        { ranges: [low] },
      );
    }
  });
  if (slices.leftForOs1 < OS1_LOW_RESERVE && ctx.p.instances.some((x, i) => i > 0 && x.lowMemory)) {
    report(
      ctx,
      "MEM-LOW-SLICE",
      0,
      "instances",
      `The successors' low slices leave OS1 only ${humanSize(slices.leftForOs1 > 0n ? slices.leftForOs1 : 0n)} of usable low memory; it needs ${humanSize(OS1_LOW_RESERVE)} for its own real-mode trampoline.`,
      "Make the slices smaller (32 KiB each is enough) or remove an instance.",
    );
  }
}

interface Held {
  r: Range;
  i: number;
  path: string;
  what: string;
}

function checkOverlaps(ctx: Ctx): void {
  const held: Held[] = [];
  ctx.p.instances.forEach((inst, i) => {
    if (i === 0) return;
    inst.memory.forEach(
      (r, k) =>
        r.size > 0n && held.push({ r, i, path: `instances[${i}].memory[${k}]`, what: "range" }),
    );
    const s = ctx.slices.slices[i];
    if (s && inst.lowMemory)
      held.push({ r: s, i, path: `instances[${i}].lowMemory`, what: "low slice" });
  });
  held.sort((a, b) => (a.r.start < b.r.start ? -1 : a.r.start > b.r.start ? 1 : 0));
  for (let a = 0; a < held.length; a++) {
    const x = held[a]!;
    for (let b = a + 1; b < held.length && held[b]!.r.start < x.r.start + x.r.size; b++) {
      const y = held[b]!;
      const later = x.i > y.i || (x.i === y.i && x.path > y.path) ? x : y;
      const other = later === x ? y : x;
      const start = y.r.start;
      const end =
        x.r.start + x.r.size < y.r.start + y.r.size ? x.r.start + x.r.size : y.r.start + y.r.size;
      const shared = { start, size: end - start };
      report(
        ctx,
        "MEM-OVERLAP",
        later.i,
        later.path,
        `${instanceLabel(ctx, later.i)}'s ${later.what} ${show(later.r)} overlaps ${other.i === later.i ? "its own" : `${instanceLabel(ctx, other.i)}'s`} ${other.what} ${show(other.r)} at ${show(shared)}.`,
        `Move one of them so they do not share ${show(shared)}.`,
        { ranges: [shared] },
      );
    }
  }
}
