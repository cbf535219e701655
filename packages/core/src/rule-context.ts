// The validation context every rule reads and reports into: the machine's index, the low
// slices, device ownership, each instance's kernel options (built once), the findings. In
// its own module so the rules, the planner and validate() all import it and never each other.
import type { Diagnostic, DiagnosticSubject, Facts, Machine, PlanOptions, Profile } from "./model";
import { DIAGNOSTIC_CODES, type DiagnosticCode } from "./codes";
import { indexMachine, type MachineIndex } from "./machine-index";
import { assignLowSlices, type SliceAssignment } from "./low-memory";
import { ownershipOf, type Ownership } from "./boot-options";

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
   * LAPIC ID -> where it is first listed, as instance * 65536 + position in its list: one
   * map answers both "who owns this core" and "is this a repeat" (see cpuOwnerOf).
   */
  cpuFirst: Map<number, number>;
  /** Kernel options per instance, built once: the validator measures them, the planner prints them. */
  options: (string[] | undefined)[];
  /** The direct loader's mailbox pages, computed on first use (see direct-options.ts). */
  direct?: DirectLayout;
  out: Diagnostic[];
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

/** The index of the instance that owns a core, undefined when none does. */
export function cpuOwnerOf(ctx: Ctx, apicId: number): number | undefined {
  const at = ctx.cpuFirst.get(apicId);
  return at === undefined ? undefined : at >> 16;
}

export function instanceLabel(ctx: Ctx, i: number): string {
  return ctx.p.instances[i]?.name || `instance ${i + 1}`;
}

/** Where each core is first listed (see Ctx.cpuFirst). */
export function firstCpus(p: Profile): Map<number, number> {
  const cpuFirst = new Map<number, number>();
  for (let i = 0; i < p.instances.length; i++) {
    const cpus = p.instances[i]!.cpus;
    for (let k = 0; k < cpus.length; k++)
      if (!cpuFirst.has(cpus[k]!)) cpuFirst.set(cpus[k]!, i * 65536 + k);
  }
  return cpuFirst;
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
    cpuFirst: firstCpus(p),
    options: [],
    out: [],
  };
}
