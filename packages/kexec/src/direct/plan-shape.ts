// The direct loader's part of a successor's plan is core's `SuccessorPlan.direct` (present
// only in plans made for loader "direct"); a DirectPlan is a successor plan that has it.
import type { DirectSuccessorPlan, SuccessorPlan } from "@tessera/core";

export type { DirectSuccessorPlan };

/** A successor planned for the direct loader. */
export type DirectPlan = SuccessorPlan & { direct: DirectSuccessorPlan };

export function isDirectPlan(p: SuccessorPlan): p is DirectPlan {
  return typeof p.direct === "object" && p.direct !== null;
}
