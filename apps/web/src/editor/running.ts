// Which of the draft's instances are running now: successors of the active profile in a
// state where they may hold their resources (the agent locks the same states). Only when
// the draft is the active profile do its instances name the running ones.
import type { InstanceState } from "@tessera/core";
import type { State } from "../store/types";

const HOLDING: ReadonlySet<InstanceState> = new Set([
  "loading",
  "loaded",
  "starting",
  "booting",
  "running",
  "stopping",
  "unresponsive",
  "unknown",
]);

export function runningInstances(
  s: Pick<State, "source" | "runProfile" | "runInstances" | "runOrder">,
): string[] {
  if (!s.source || s.source.id !== s.runProfile.id) return [];
  return s.runOrder.filter((n) => {
    const v = s.runInstances[n];
    return v && v.role === "successor" && HOLDING.has(v.state);
  });
}
