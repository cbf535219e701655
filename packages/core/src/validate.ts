// validate(machine, profile, facts?) returns every finding, never just the first, each with
// the JSON path of what it is about, so the UI can mark each core, range and device.
import type { Diagnostic, DiagnosticSubject, Facts, Machine, PlanOptions, Profile } from "./model";
import { DIAGNOSTIC_CODES, type DiagnosticCode } from "./codes";
import { indexMachine, type MachineIndex } from "./machine-index";
import { assignLowSlices, type SliceAssignment } from "./low-memory";
import { os1Options, ownershipOf, successorOptions, type Ownership } from "./boot-options";
import { checkCpus } from "./rules-cpu";
import { checkMemory } from "./rules-memory";
import { checkDevices } from "./rules-device";
import { checkProfile } from "./rules-profile";
import { checkDirect, checkOs1Console } from "./rules-direct";
import { directOs1Options, directSuccessorOptions, type DirectLayout } from "./direct-options";
import { checkText } from "./rules-text";

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

export function instanceOptions(ctx: Ctx, i: number): string[] {
  let o = ctx.options[i];
  if (!o) {
    if (ctx.opts.loader === "direct")
      o = i === 0 ? directOs1Options(ctx) : directSuccessorOptions(ctx, i);
    else
      o =
        i === 0
          ? os1Options(ctx.m, ctx.p, ctx.own, ctx.slices.slices, ctx.opts)
          : successorOptions(ctx.m, ctx.p, ctx.own, i, ctx.slices.slices[i] ?? null, ctx.opts);
    ctx.options[i] = o;
  }
  return o;
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

/**
 * The parts of a profile a rule can read, per instance: `cpus`; `memory` (memory and
 * lowMemory); `devices`; `strings` (name, cmdline, kernel, initrd: every diagnostic names
 * its instance, so nearly every rule reads names); `profile` (anything else: the number of
 * instances, the profile's own fields, fields added to the model later).
 */
export type Aspect = "cpus" | "memory" | "devices" | "strings" | "profile";

export interface Rule {
  name: string;
  /**
   * What the rule reads, of every instance, besides the machine, the facts and the options.
   * The incremental check (incremental.ts) runs a rule again only when one of these changed
   * and reuses its last findings otherwise. Leave it out when unsure: the rule then runs on
   * every check, which is always correct.
   */
  reads?: readonly Aspect[];
  check(ctx: Ctx): void;
}

/**
 * Every rule, in the order their findings are listed. A new rule goes here (or into one of
 * these groups, whose `reads` must then cover what it reads).
 */
export const RULES: readonly Rule[] = [
  // Names, reserved options, files, and CMDLINE-TOO-LONG, which measures the options the
  // layout produces (core count, memory ranges and slices, device ownership).
  { name: "profile", reads: ["strings", "cpus", "memory", "devices"], check: checkProfile },
  // Control characters and relative paths in names, command lines and file paths.
  { name: "text", reads: ["strings", "profile"], check: checkText },
  // CPU-NUMA compares the cores' nodes with the memory's.
  { name: "cpus", reads: ["cpus", "memory", "strings"], check: checkCpus },
  // Kernel and initrd sizes against the ranges: strings.
  { name: "memory", reads: ["memory", "strings"], check: checkMemory },
  { name: "devices", reads: ["devices", "strings"], check: checkDevices },
  // OS1's console ports against the successors' legacy devices (OS1's command line).
  { name: "os1-console", reads: ["devices", "strings"], check: checkOs1Console },
  // DIRECT-* (a no-op for other loaders): LAPIC IDs, the TSC from the command line, PCI.
  { name: "direct", reads: ["cpus", "devices", "strings"], check: checkDirect },
];

const ORDER = { error: 0, warning: 1, info: 2 } as const;

export function validate(
  m: Machine,
  p: Profile,
  facts: Facts = {},
  opts: PlanOptions = {},
): Diagnostic[] {
  return validateContext(buildContext(m, p, facts, opts));
}

export function validateContext(ctx: Ctx): Diagnostic[] {
  if (ctx.p.instances.length === 0) {
    report(
      ctx,
      "PROFILE-EMPTY",
      null,
      "instances",
      "The profile has no instances.",
      "Add OS1, the instance the bootloader starts.",
    );
    return ctx.out;
  }
  for (const rule of RULES) rule.check(ctx);
  return ordered(ctx.out);
}

/** Stable order: by severity, then as the rules found them, so lists do not jump while dragging. */
export function ordered(found: Diagnostic[]): Diagnostic[] {
  return found
    .map((d, n) => ({ d, n }))
    .sort((a, b) => ORDER[a.d.severity] - ORDER[b.d.severity] || a.n - b.n)
    .map((x) => x.d);
}

export function hasErrors(diags: Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "error");
}
