// The web app's one door into @tessera/core's validator, planner and helpers, so every view
// runs exactly what the agent runs (STYLE.md 1: core is pure and the same in the browser).
import {
  largestFreeRange,
  nextFreeCpuRun,
  plan as corePlan,
  validate as coreValidate,
  type Diagnostic,
  type Machine,
  type PlanResult,
  type Profile,
  type Range,
} from "@tessera/core";

export { hasErrors } from "@tessera/core";

export const coreReady = { validate: true, plan: true };

export function validate(machine: Machine, profile: Profile): Diagnostic[] {
  return coreValidate(machine, profile);
}

export function plan(machine: Machine, profile: Profile): PlanResult | null {
  return corePlan(machine, profile);
}

export function coreNextFreeCpuRun(
  machine: Machine,
  profile: Profile,
  index: number,
  count: number,
): number[] | null {
  return nextFreeCpuRun(machine, profile, index, count);
}

export function coreLargestFreeRange(machine: Machine, profile: Profile): Range | null {
  return largestFreeRange(machine, profile);
}
