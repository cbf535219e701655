// Successors that are running now (or may be: the states in which the agent locks their
// resources), by name, in profile order.
import type { InstanceState } from "@tessera/core";
import type { RunSlice } from "./run-types";

export const HOLDING: ReadonlySet<InstanceState> = new Set([
  "loading",
  "loaded",
  "starting",
  "booting",
  "running",
  "stopping",
  "unresponsive",
  "unknown",
]);

export function runningSuccessors(s: Pick<RunSlice, "runInstances" | "runOrder">): string[] {
  return s.runOrder.filter((n) => {
    const v = s.runInstances[n];
    return v && v.role === "successor" && HOLDING.has(v.state);
  });
}
