// The InstanceView clients see (API.md): a state row plus where the instance sits in the
// active profile.
import type { InstanceRow, InstanceState } from "../db/instances";
import type { PhaseEntry } from "../db/instance-runs";
import { LOCKED_STATES } from "./locks";

export interface InstanceView {
  name: string;
  index: number;
  role: "os1" | "successor";
  state: InstanceState;
  reason: string | null;
  since: string | null;
  phase: string | null;
  cpus: number[];
  locked: boolean;
  lastHeartbeat: string | null;
  profileVersion: number | null;
  /** Phases of the current (or last) run with the time each was reached, oldest first. */
  phases: PhaseEntry[];
}

export function toView(
  name: string,
  index: number,
  cpus: number[],
  row: InstanceRow | undefined,
  os1: boolean,
  phases: PhaseEntry[] = [],
): InstanceView {
  if (os1) {
    return {
      name,
      index,
      role: "os1",
      state: "running",
      reason: null,
      since: null,
      phase: "running",
      cpus: [...cpus],
      locked: true,
      lastHeartbeat: null,
      profileVersion: null,
      phases: [],
    };
  }
  const state = row?.state ?? "defined";
  return {
    name,
    index,
    role: "successor",
    state,
    reason: row?.reason ?? null,
    since: row?.since ?? null,
    phase: row?.phase ?? null,
    cpus: [...cpus],
    locked: LOCKED_STATES.has(state),
    lastHeartbeat: row?.lastHeartbeat ?? null,
    profileVersion: row?.profileVersion ?? null,
    phases: row ? phases : [],
  };
}
