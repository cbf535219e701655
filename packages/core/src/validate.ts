// validate(machine, profile, facts?) returns every finding, never just the first, each with
// the JSON path of what it is about, so the UI can mark each core, range and device.
import type { Diagnostic, Facts, Machine, PlanOptions, Profile } from "./model";
import { buildContext, report, type Ctx } from "./rule-context";
import { checkCpus, checkCpusOf, cpusStillHold } from "./rules-cpu";
import { checkMemory } from "./rules-memory";
import { checkDevicePairs, checkDevices, checkDevicesOf, devicesStillHold } from "./rules-device";
import { checkProfile, checkProfileOf, profileStillHolds } from "./rules-profile";
import { checkDirect, checkOs1Console } from "./rules-direct";
import { checkText } from "./rules-text";

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
  /**
   * The rule split by instance, for the incremental check (a drag touches one or two
   * instances of twelve). check(ctx) must report exactly what each(ctx, i) reports for every
   * instance in order, and nothing else. When no name, command line or file changed, an
   * instance whose own `reads` did not change keeps its last findings if holds() says
   * they are still true; every other instance runs each() again.
   */
  perInstance?: {
    each(ctx: Ctx, i: number): void;
    holds(now: Ctx, last: Ctx, i: number, found: readonly Diagnostic[]): boolean;
  };
}

/**
 * Every rule, in the order their findings are listed. A new rule goes here (or into one of
 * these groups, whose `reads` must then cover what it reads).
 */
export const RULES: readonly Rule[] = [
  // Names, reserved options, files, and CMDLINE-TOO-LONG, which measures the options the
  // layout produces (core count, memory ranges and slices, device ownership).
  {
    name: "profile",
    reads: ["strings", "cpus", "memory", "devices"],
    check: checkProfile,
    perInstance: { each: checkProfileOf, holds: profileStillHolds },
  },
  // Control characters and relative paths in names, command lines and file paths.
  { name: "text", reads: ["strings", "profile"], check: checkText },
  // CPU-NUMA compares the cores' nodes with the memory's.
  {
    name: "cpus",
    reads: ["cpus", "memory", "strings"],
    check: checkCpus,
    perInstance: { each: checkCpusOf, holds: cpusStillHold },
  },
  // Kernel and initrd sizes against the ranges: strings.
  { name: "memory", reads: ["memory", "strings"], check: checkMemory },
  {
    name: "devices",
    reads: ["devices", "strings"],
    check: checkDevices,
    perInstance: { each: checkDevicesOf, holds: devicesStillHold },
  },
  // DEV-STOCK-AMBIGUOUS and DEV-UNASSIGNED: every instance's devices at once.
  { name: "device-pairs", reads: ["devices", "strings"], check: checkDevicePairs },
  // OS1's console ports against the successors' legacy devices (OS1's command line).
  { name: "os1-console", reads: ["devices", "strings"], check: checkOs1Console },
  // DIRECT-* (a no-op for other loaders): LAPIC IDs, the TSC from the command line, PCI.
  { name: "direct", reads: ["cpus", "devices", "strings"], check: checkDirect },
];

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
  // A stable sort by three keys is three passes: no comparator on every drag.
  const out: Diagnostic[] = [];
  for (const severity of ["error", "warning", "info"] as const)
    for (const d of found) if (d.severity === severity) out.push(d);
  return out;
}

export function hasErrors(diags: Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "error");
}
