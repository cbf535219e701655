// Which of the draft's instances are running now: only when the draft is the active profile
// do its instances name the running ones.
import { runningSuccessors } from "../run/running";
import type { State } from "../store/types";

export function runningInstances(
  s: Pick<State, "source" | "runProfile" | "runInstances" | "runOrder">,
): string[] {
  if (!s.source || s.source.id !== s.runProfile.id) return [];
  return runningSuccessors(s);
}
