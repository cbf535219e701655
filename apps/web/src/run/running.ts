// Successors that are running now (or may be: the states in which the agent locks their
// resources, core's LOCKED_STATES), by name, in profile order.
import { LOCKED_STATES } from "@tessera/core";
import type { RunSlice } from "./run-types";

export function runningSuccessors(s: Pick<RunSlice, "runInstances" | "runOrder">): string[] {
  return s.runOrder.filter((n) => {
    const v = s.runInstances[n];
    return v && v.role === "successor" && LOCKED_STATES.has(v.state);
  });
}
