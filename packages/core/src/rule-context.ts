// The validation context every rule reads and reports into: the machine's index, the low
// slices, device ownership, each instance's kernel options (built once), the findings. In
// its own module so the rules, the planner and validate() all import it and never each other.
import type { Diagnostic, DiagnosticSubject, Facts, Machine, PlanOptions, Profile } from "./model";
import { DIAGNOSTIC_CODES, type DiagnosticCode } from "./codes";
import { indexMachine, positionOf, type MachineIndex } from "./machine-index";
import { assignLowSlices, type SliceAssignment } from "./low-memory";
import { ownershipOf, type Ownership } from "./ownership";

/** The direct loader's mailbox page per instance index; null for OS1 (and where none is left). */
export interface DirectLayout {
  mailboxes: (bigint | null)[];
}

export interface Ctx {
  m: Machine;
  p: Profile;
  idx: MachineIndex;
  facts: Facts;
  opts: PlanOptions;
  slices: SliceAssignment;
  own: Ownership;
  /**
   * Where each core is first listed, as instance * 65536 + position in its list: one table
   * answers both "who owns this core" and "is this a repeat" (see cpuOwnerOf).
   */
  cpuFirst: CpuFirst;
  /** Kernel options per instance, built once: the validator measures them, the planner prints them. */
  options: (string[] | undefined)[];
  /**
   * DEV-STOCK-AMBIGUOUS per pair as the last check found it, and as this one finds it: a pair
   * whose owners and ids are as they were keeps its finding instead of writing it again. The
   * incremental check passes the last context's `stock` only when no instance was renamed
   * (the finding names its owners).
   */
  lastStock?: ReadonlyMap<string, StockFinding>;
  stock?: Map<string, StockFinding>;
  /** DEV-UNASSIGNED (null: none) and the ownership's firstAt it was found from, the same way. */
  lastUnassigned?: { firstAt: Int32Array; d: Diagnostic | null };
  unassigned?: { firstAt: Int32Array; d: Diagnostic | null };
  /** The direct loader's mailbox pages, computed on first use (see direct-options.ts). */
  direct?: DirectLayout;
  out: Diagnostic[];
}

export interface StockFinding {
  /** The ownership's owner set (entries are shared while unchanged: same set, same owners). */
  set: Set<number>;
  owners: number[];
  ids: string[];
  d: Diagnostic;
}

export function report(
  ctx: Ctx,
  code: DiagnosticCode,
  instance: number | null,
  path: string,
  message: string,
  hint: string,
  subject?: DiagnosticSubject,
): void {
  const d: Diagnostic = {
    code,
    severity: DIAGNOSTIC_CODES[code].severity,
    path,
    instance: instance === null ? null : (ctx.p.instances[instance]?.name ?? null),
    message,
    hint,
  };
  if (subject) d.subject = subject;
  ctx.out.push(d);
}

/**
 * Where each core is first listed: `at` by position in idx.apicIds (-1: nowhere), `unknown`
 * for listed LAPIC IDs that are no present core.
 */
export interface CpuFirst {
  at: Int32Array;
  unknown: Map<number, number>;
}

/** Where a core is first listed (instance * 65536 + position), undefined when nowhere. */
export function cpuFirstOf(ctx: Ctx, apicId: number): number | undefined {
  const pos = positionOf(ctx.idx, apicId);
  if (pos === -1) return ctx.cpuFirst.unknown.get(apicId);
  const at = ctx.cpuFirst.at[pos]!;
  return at === -1 ? undefined : at;
}

/** The index of the instance that owns a core, undefined when none does. */
export function cpuOwnerOf(ctx: Ctx, apicId: number): number | undefined {
  const at = cpuFirstOf(ctx, apicId);
  return at === undefined ? undefined : at >> 16;
}

export function instanceLabel(ctx: Ctx, i: number): string {
  return ctx.p.instances[i]?.name || `instance ${i + 1}`;
}

/** Where each core is first listed (see Ctx.cpuFirst). */
export function firstCpus(idx: MachineIndex, p: Profile): CpuFirst {
  const at = new Int32Array(idx.apicIds.length).fill(-1);
  const unknown = new Map<number, number>();
  for (let i = 0; i < p.instances.length; i++) {
    const cpus = p.instances[i]!.cpus;
    for (let k = 0; k < cpus.length; k++) {
      const pos = positionOf(idx, cpus[k]!);
      if (pos === -1) {
        if (!unknown.has(cpus[k]!)) unknown.set(cpus[k]!, i * 65536 + k);
      } else if (at[pos] === -1) at[pos] = i * 65536 + k;
    }
  }
  return { at, unknown };
}

export function buildContext(
  m: Machine,
  p: Profile,
  facts: Facts = {},
  opts: PlanOptions = {},
): Ctx {
  const idx = indexMachine(m);
  return {
    m,
    p,
    idx,
    facts,
    opts,
    slices: assignLowSlices(idx, p),
    own: ownershipOf(m, p),
    cpuFirst: firstCpus(idx, p),
    options: [],
    out: [],
  };
}
