// What can be dragged (or "assigned to…" from the keyboard) and what a drop does to the
// profile. The same function gives the would-be profile during a drag and the real edit.
import type { Machine, Profile, Range } from "@tessera/core";
import { assignCpus, assignDevices, assignRange, setLowMemory } from "./edits";
import { firstFit, ONE_MIB, rangeLabel } from "./memory";

export type Payload =
  | { kind: "cpus"; ids: number[] }
  | { kind: "devices"; ids: string[] }
  | { kind: "range"; range: Range }
  | { kind: "chunk"; size: bigint };

/** The profile after giving `payload` to instance `index`; null when it cannot be placed. */
export function applyPayload(
  machine: Machine,
  p: Profile,
  payload: Payload,
  index: number,
): Profile | null {
  if (index < 0 || index >= p.instances.length) return null;
  switch (payload.kind) {
    case "cpus":
      return payload.ids.length ? assignCpus(p, index, payload.ids) : null;
    case "devices":
      return payload.ids.length ? assignDevices(p, index, payload.ids) : null;
    case "range":
      // Below the 1 MiB line a range is the instance's low slice (its SIPI start page).
      if (payload.range.start + payload.range.size <= ONE_MIB) {
        return setLowMemory(p, index, payload.range);
      }
      return assignRange(p, index, payload.range);
    case "chunk": {
      const r = firstFit(machine, p, payload.size);
      return r ? assignRange(p, index, r) : null;
    }
  }
}

export function describePayload(payload: Payload): string {
  switch (payload.kind) {
    case "cpus":
      return payload.ids.length === 1 ? `core ${payload.ids[0]}` : `${payload.ids.length} cores`;
    case "devices":
      return payload.ids.length === 1 ? payload.ids[0]! : `${payload.ids.length} devices`;
    case "range":
      return `range ${rangeLabel(payload.range)}`;
    case "chunk":
      return `a ${payload.size / ONE_MIB} MiB chunk`;
  }
}
