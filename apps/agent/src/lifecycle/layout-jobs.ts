// What the layout worker (layout-worker.ts, behind layout-pool.ts) does with a job: core's
// validate or plan. Messages carry Machine, Profile and Facts as they are (structured clone
// keeps bigints). A profile within the machine's limits can still yield tens of thousands of
// findings (16 instances on the same 16 cores and ranges): the answer keeps the first
// MAX_DIAGNOSTICS, errors first, and says how many it left out, so that neither the copy
// back nor the JSON written on the event loop grows with them.
import {
  hasErrors,
  plan,
  validate,
  type Diagnostic,
  type Facts,
  type Machine,
  type PlanOptions,
  type Profile,
} from "@tessera/core";

export const MAX_DIAGNOSTICS = 1000;

export interface LayoutJob {
  id: number;
  kind: "validate" | "plan";
  machine: Machine;
  profile: Profile;
  facts: Facts;
  /** The agent's plan options (its loader). */
  opts?: PlanOptions;
}

/** What the worker answers: the plan, or the (first) diagnostics and how many were left out. */
export type LayoutAnswer =
  | { kind: "validate"; ok: boolean; diagnostics: Diagnostic[]; omitted: number }
  | { kind: "plan"; result: ReturnType<typeof plan>; omitted: number };

function capped(d: Diagnostic[]): { diagnostics: Diagnostic[]; omitted: number } {
  return {
    diagnostics: d.slice(0, MAX_DIAGNOSTICS),
    omitted: Math.max(0, d.length - MAX_DIAGNOSTICS),
  };
}

export function answer(job: Omit<LayoutJob, "id">): LayoutAnswer {
  if (job.kind === "validate") {
    const d = validate(job.machine, job.profile, job.facts, job.opts);
    return { kind: "validate", ok: !hasErrors(d), ...capped(d) };
  }
  const r = plan(job.machine, job.profile, job.facts, job.opts);
  if (r.ok) return { kind: "plan", result: r, omitted: 0 };
  const c = capped(r.diagnostics);
  return { kind: "plan", result: { ok: false, diagnostics: c.diagnostics }, omitted: c.omitted };
}
