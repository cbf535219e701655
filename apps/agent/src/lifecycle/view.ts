// The InstanceView clients see (API.md): a state row plus where the instance sits in the
// active profile.
import {
  LOCKED_STATES,
  type InstanceView,
  type PhaseDeadline,
  type PhaseEntry,
} from "@tessera/core";
import type { InstanceRow } from "../db/instances";

// The view is core's wire type, shared with the console.
export type { InstanceView };

export function toView(
  name: string,
  index: number,
  cpus: number[],
  row: InstanceRow | undefined,
  os1: boolean,
  phases: PhaseEntry[] = [],
  deadline: PhaseDeadline | null = null,
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
      deadline: null,
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
    deadline: row ? deadline : null,
  };
}
