// Rules about cores (SPEC.md: CPU-*). A core is its LAPIC ID; an instance is a run of
// consecutive present LAPIC IDs starting at its BSP.
import { formatCpuList, positionOf, usableBytesByNode } from "./machine-index";
import type { Diagnostic } from "./model";
import { cpuOwnerOf, instanceLabel, report, type Ctx } from "./rule-context";
import { freeCpuRuns } from "./suggest";
import { humanSize } from "./units";

export function checkCpus(ctx: Ctx): void {
  for (let i = 0; i < ctx.p.instances.length; i++) checkCpusOf(ctx, i);
}

/** What checkCpus reports about instance i (it reports nothing else). */
export function checkCpusOf(ctx: Ctx, i: number): void {
  const { idx, p } = ctx;
  const bootCore = idx.apicIds[0];
  const inst = p.instances[i]!;
  {
    const path = `instances[${i}].cpus`;
    const label = instanceLabel(ctx, i);
    if (inst.cpus.length === 0) {
      const run = suggestRun(ctx, i, 1);
      report(
        ctx,
        "CPU-NONE",
        i,
        path,
        `${label} has no cores.`,
        run ? `Give it a core, e.g. ${run}.` : "Free a core from another instance first.",
      );
      return;
    }
    const known: number[] = [];
    // Positions in idx.apicIds of `known`, and their cores: the checks below read these
    // instead of looking each LAPIC ID up again.
    const knownPos: number[] = [];
    let hasBoot = false;
    // A plain loop: this runs for every core on every drag event.
    for (let k = 0; k < inst.cpus.length; k++) {
      const a = inst.cpus[k]!;
      if (a === bootCore) hasBoot = true;
      const pos = positionOf(idx, a);
      if (pos === -1) {
        report(
          ctx,
          "CPU-UNKNOWN",
          i,
          `${path}[${k}]`,
          `${label} lists LAPIC ID ${a}, which is not a present core of this machine.`,
          `Present LAPIC IDs: ${summarize(idx.apicIds)}.`,
          { cpus: [a] },
        );
        continue;
      }
      const first = ctx.cpuFirst.at[pos]!;
      const owner = first >> 16;
      if (owner === i && first !== i * 65536 + k) {
        report(
          ctx,
          "CPU-SHARED",
          i,
          `${path}[${k}]`,
          `${label} lists core ${a} twice.`,
          "Remove the repeated LAPIC ID.",
          { cpus: [a] },
        );
        continue;
      }
      if (owner !== i) {
        report(
          ctx,
          "CPU-SHARED",
          i,
          `${path}[${k}]`,
          `Core ${a} belongs to ${instanceLabel(ctx, owner)} and ${label}.`,
          `Take it out of one of them.`,
          { cpus: [a] },
        );
        continue;
      }
      known.push(a);
      knownPos.push(pos);
    }
    checkContiguous(ctx, i, known, knownPos);
    if (i === 0 && bootCore !== undefined && !hasBoot) {
      const owner = cpuOwnerOf(ctx, bootCore);
      report(
        ctx,
        "CPU-BOOT-CORE",
        i,
        path,
        `${label} (OS1) does not hold the boot core, LAPIC ${bootCore}${owner !== undefined ? `, which ${instanceLabel(ctx, owner)} has` : ""}: the bootloader starts OS1 on it.`,
        `Give ${label} a run starting at core ${bootCore}, e.g. ${formatRun(idx.apicIds.slice(0, Math.max(1, inst.cpus.length)))}.`,
        { cpus: [bootCore] },
      );
    }
    if (i === 0) checkMaxcpusOrder(ctx, known);
    if (i > 0) checkOnline(ctx, i, known);
    checkSmt(ctx, i, known, knownPos);
    checkHybrid(ctx, i, known, knownPos);
    checkNuma(ctx, i, knownPos);
  }
}

function checkContiguous(ctx: Ctx, i: number, known: number[], knownPos: number[]): void {
  if (known.length < 2) return;
  const pos = new Int32Array(knownPos).sort();
  const gaps: number[] = [];
  for (let k = 1; k < pos.length; k++) {
    for (let g = pos[k - 1]! + 1; g < pos[k]!; g++) gaps.push(ctx.idx.apicIds[g]!);
  }
  if (gaps.length === 0) return;
  const label = instanceLabel(ctx, i);
  const run = suggestRun(ctx, i, known.length);
  report(
    ctx,
    "CPU-CONTIGUOUS",
    i,
    `instances[${i}].cpus`,
    `${label}'s cores ${formatCpuList(known)} are not one run of consecutive present cores: ${formatCpuList(gaps)} ${gaps.length === 1 ? "lies" : "lie"} between them. A kernel uses the cores from its BSP upward, without gaps.`,
    run
      ? `Use ${run}.`
      : `No free run of ${known.length} cores is left: free cores in another instance first.`,
    { cpus: known },
  );
}

function checkMaxcpusOrder(ctx: Ctx, known: number[]): void {
  // maxcpus=N brings up Linux CPUs 0..N-1 in enumeration (MADT) order, which on some
  // machines interleaves sockets (LAPIC 0, 64, 32, 96, ...).
  const n = known.length;
  const firstN = ctx.m.cpus.filter((c) => c.cpu < n).map((c) => c.apicId);
  const mine = new Set(known);
  const others = firstN.filter((a) => !mine.has(a));
  if (others.length === 0 || firstN.length !== n) return;
  const label = instanceLabel(ctx, 0);
  report(
    ctx,
    "CPU-MAXCPUS-ORDER",
    0,
    "instances[0].cpus",
    `maxcpus=${n} brings up Linux CPUs 0-${n - 1} (LAPIC ${formatCpuList(firstN)}), not exactly ${label}'s cores ${formatCpuList(known)}: this machine enumerates cores out of LAPIC order.`,
    `Before starting successors, take cores ${formatCpuList(others)} offline in OS1 (echo 0 > /sys/devices/system/cpu/cpuN/online) and bring OS1's own online.`,
    { cpus: others },
  );
}

function checkOnline(ctx: Ctx, i: number, known: number[]): void {
  const online = ctx.facts.onlineCpus;
  if (!online) return;
  const set = new Set(online);
  const busy = known.filter((a) => set.has(a));
  if (busy.length === 0) return;
  const linux = busy.map((a) => ctx.idx.cpuByApic.get(a)!.cpu);
  report(
    ctx,
    "CPU-ONLINE",
    i,
    `instances[${i}].cpus`,
    `${instanceLabel(ctx, i)}'s cores ${formatCpuList(busy)} are online in OS1 (Linux CPUs ${formatCpuList(linux)}); a successor can only start on offline cores.`,
    `Take them offline in OS1: ${linux.map((c) => `echo 0 > /sys/devices/system/cpu/cpu${c}/online`).join("; ")}.`,
    { cpus: busy },
  );
}

function checkSmt(ctx: Ctx, i: number, known: number[], knownPos: number[]): void {
  const reported = new Set<number>();
  for (let k = 0; k < known.length; k++) {
    const a = known[k]!;
    const cpu = ctx.idx.cpuAt[knownPos[k]!]!;
    for (const s of cpu.siblings) {
      if (s === a || reported.has(s)) continue;
      const owner = cpuOwnerOf(ctx, s);
      if (owner === undefined || owner === i) continue;
      // Report each split pair once, on the later instance.
      if (owner > i) continue;
      reported.add(a);
      report(
        ctx,
        "CPU-SMT-SPLIT",
        i,
        `instances[${i}].cpus`,
        `Core ${a} of ${instanceLabel(ctx, i)} and core ${s} of ${instanceLabel(ctx, owner)} are SMT siblings of one physical core: they share L1/L2 caches across instances (a side channel, and each slows the other).`,
        "Keep both threads of a physical core in one instance, or leave one of them unassigned.",
        { cpus: [a, s] },
      );
    }
  }
}

function checkHybrid(ctx: Ctx, i: number, known: number[], knownPos: number[]): void {
  let seen: string | null = null;
  let mixed = false;
  for (const pos of knownPos) {
    const t = ctx.idx.cpuAt[pos]!.coreType;
    if (t === null) continue;
    if (seen === null) seen = t;
    else if (t !== seen) mixed = true;
  }
  if (!mixed) return;
  const e = known.filter((a) => ctx.idx.cpuByApic.get(a)!.coreType === "efficiency");
  report(
    ctx,
    "CPU-HYBRID",
    i,
    `instances[${i}].cpus`,
    `${instanceLabel(ctx, i)} mixes P-cores and E-cores (E-cores: ${formatCpuList(e)}): its scheduler sees cores of unequal speed.`,
    "Give the instance only P-cores or only E-cores.",
    { cpus: e },
  );
}

// Names each node with what is on it, so the message says which cores are far from which
// memory: "cores 6-7 on node 0" rather than a flat list of nodes on either side.
function checkNuma(ctx: Ctx, i: number, knownPos: number[]): void {
  const coresOn = new Map<number, number[]>();
  for (const pos of knownPos) {
    const n = ctx.idx.cpuAt[pos]!.node;
    if (n === null) continue;
    const a = ctx.idx.apicIds[pos]!;
    const list = coresOn.get(n);
    if (list) list.push(a);
    else coresOn.set(n, [a]);
  }
  const bytesOn = new Map<number, bigint>();
  for (const r of ctx.p.instances[i]!.memory) usableBytesByNode(ctx.idx, r, bytesOn);
  if (coresOn.size === 0 || bytesOn.size === 0) return;
  const cpuNodes = [...coresOn.keys()].sort((a, b) => a - b);
  const memNodes = [...bytesOn.keys()].sort((a, b) => a - b);
  const bare = cpuNodes.filter((n) => !bytesOn.has(n));
  const far = memNodes.filter((n) => !coresOn.has(n));
  if (bare.length === 0 && far.length === 0) return;
  const label = instanceLabel(ctx, i);
  const cores = (n: number) => formatCpuList(coresOn.get(n)!);
  const where = cpuNodes.map((n) => `cores ${cores(n)} on node ${n}`).join(" and ");
  const held = memNodes.map((n) => `${humanSize(bytesOn.get(n)!)} on node ${n}`).join(" and ");
  let effect: string;
  let hint: string;
  if (bare.length === cpuNodes.length) {
    effect = "every access crosses the interconnect";
    hint = `Take memory from ${nodeList(cpuNodes)}, or cores from ${nodeList(memNodes)}.`;
  } else {
    const parts: string[] = [];
    const hints: string[] = [];
    for (const n of bare) {
      parts.push(`cores ${cores(n)} reach all of it across the interconnect`);
      hints.push(
        `add memory from node ${n}, or trade cores ${cores(n)} for cores on ${nodeList(memNodes)}`,
      );
    }
    for (const n of far) {
      parts.push(
        `the ${humanSize(bytesOn.get(n)!)} on node ${n} is remote to every one of its cores`,
      );
      hints.push(
        `move the memory on node ${n} to ${nodeList(cpuNodes)}, or add cores from node ${n}`,
      );
    }
    effect = parts.join("; ");
    hint = `${hints.join("; ")}.`;
    hint = hint[0]!.toUpperCase() + hint.slice(1);
  }
  report(
    ctx,
    "CPU-NUMA",
    i,
    `instances[${i}]`,
    `${label} has ${where}; its memory is ${held}: ${effect}.`,
    hint,
  );
}

function suggestRun(ctx: Ctx, i: number, count: number): string | null {
  const runs = freeCpuRuns(ctx.idx, (a) => cpuOwnerOf(ctx, a), i, count);
  if (runs.length === 0) return null;
  // Prefer the first free run after the previous instance's cores: layouts read in order.
  const prev = i > 0 ? ctx.p.instances[i - 1]!.cpus.filter((a) => ctx.idx.position.has(a)) : [];
  const after = prev.length ? Math.max(...prev.map((a) => ctx.idx.position.get(a)!)) : -1;
  const pick = runs.find((r) => ctx.idx.position.get(r[0]!)! > after) ?? runs[0]!;
  return `${formatRun(pick)}${prev.length && i > 0 ? `, the next free run after ${instanceLabel(ctx, i - 1)}` : ""}`;
}

function formatRun(run: number[]): string {
  return run.length === 1 ? `core ${run[0]}` : `cores ${formatCpuList(run)}`;
}

function summarize(ids: number[]): string {
  return ids.length > 24
    ? `${formatCpuList(ids.slice(0, 24))}, … (${ids.length} in all)`
    : formatCpuList(ids);
}

/**
 * Whether instance i's last findings of checkCpusOf still hold (the incremental check asks
 * when i's cores, ranges and every name are unchanged). They read, besides those, who first
 * lists each of i's cores, their SMT siblings and the boot core; and the hints of CPU-NONE
 * and CPU-CONTIGUOUS read every instance's cores (the free runs): those always run again.
 */
export function cpusStillHold(
  now: Ctx,
  last: Ctx,
  i: number,
  found: readonly Diagnostic[],
): boolean {
  if (found.some((d) => d.code === "CPU-NONE" || d.code === "CPU-CONTIGUOUS")) return false;
  const a = now.cpuFirst;
  const b = last.cpuFirst;
  if (a === b) return true;
  if (a.unknown.size !== b.unknown.size) return false;
  for (const [k, v] of a.unknown) if (b.unknown.get(k) !== v) return false;
  const same = (pos: number) => pos === -1 || a.at[pos] === b.at[pos];
  if (i === 0 && !same(0)) return false;
  const { idx } = now;
  for (const core of now.p.instances[i]!.cpus) {
    const pos = positionOf(idx, core);
    if (!same(pos)) return false;
    if (pos !== -1)
      for (const s of idx.cpuAt[pos]!.siblings) if (!same(positionOf(idx, s))) return false;
  }
  return true;
}

function nodeList(nodes: number[]): string {
  return nodes.length === 1
    ? `node ${nodes[0]}`
    : `node ${nodes.slice(0, -1).join(", ")} or ${nodes[nodes.length - 1]}`;
}
