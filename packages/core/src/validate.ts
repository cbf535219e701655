// validate(machine, profile, facts?) returns every finding, never just the first, each with
// the JSON path of what it is about, so the UI can mark each core, range and device.
import type { Diagnostic, Facts, Machine, PlanOptions, Profile } from "./model";
import { buildContext, report, type Ctx } from "./rule-context";
import { checkCpus } from "./rules-cpu";
import { checkMemory } from "./rules-memory";
import { checkDevices } from "./rules-device";
import { checkProfile } from "./rules-profile";

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
  checkProfile(ctx);
  checkCpus(ctx);
  checkMemory(ctx);
  checkDevices(ctx);
  // Stable order: by severity, then by where they are, so lists do not jump while dragging.
  return ctx.out
    .map((d, n) => ({ d, n }))
    .sort((a, b) => ORDER[a.d.severity] - ORDER[b.d.severity] || a.n - b.n)
    .map((x) => x.d);
}

export function hasErrors(diags: Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "error");
}
