// The editor's module-level actions: loading the machine, assigning what is selected or
// dragged, the fill helpers and new drafts. Views only render and call these.
import { hostLayout, largestFreeRange, nextFreeCpuRun } from "@tessera/core";
import { getMachine } from "../api/machine";
import { judge } from "./model/judge";
import { lockedMoveRefusal, movesOf } from "./model/moves";
import { runningInstances } from "./running";
import { EDIT_WHAT, gate, readOnlyRole } from "../session/gate";
import { applyPayload, type Payload } from "./model/payload";
import { emptyProfile } from "./draft-slice";
import { restoreDraft } from "./draft-persistence";
import { errorText } from "../ui/error-text";
import { useStore } from "../store";
import type { DragState } from "./editor-types";

const get = useStore.getState;

/** Reads the machine; true when a draft kept from the last visit came back with it. */
export async function loadMachine(): Promise<boolean> {
  try {
    const { machine, fingerprint } = await getMachine();
    get().setMachine(machine, fingerprint);
    return restoreDraft();
  } catch (e) {
    get().setMachineError(errorText(e).text);
    return false;
  }
}

export function currentSelection(): Payload | null {
  const s = get();
  const cpus = Object.keys(s.selectedCpus).map(Number);
  if (cpus.length) return { kind: "cpus", ids: cpus.sort((a, b) => a - b) };
  const devs = Object.keys(s.selectedDevices);
  if (devs.length) return { kind: "devices", ids: devs };
  if (s.pendingRange) return { kind: "range", range: s.pendingRange };
  return null;
}

/** Gives the payload to instance `index` as one undoable edit. */
export function assign(payload: Payload, index: number): boolean {
  const s = get();
  if (!s.machine) return false;
  if (readOnlyRole(s.user?.role)) {
    s.setNotice({ kind: "error", text: gate(s.user?.role, "operator", EDIT_WHAT).reason! });
    return false;
  }
  const next = applyPayload(s.machine, s.draft, payload, index);
  const refused = next && lockedMoveRefusal(movesOf(s.draft, next, index), runningInstances(s));
  if (refused?.length) {
    s.setNotice({ kind: "error", text: refused.join(" ") });
    return false;
  }
  if (!next) {
    s.setNotice({
      kind: "error",
      text: `Cannot place ${payload.kind === "chunk" ? "that chunk" : "that"}: no free usable memory of that size.`,
    });
    return false;
  }
  s.edit(() => next);
  if (payload.kind === "range") s.setPendingRange(null);
  return true;
}

export function assignSelectionTo(index: number): boolean {
  const payload = currentSelection();
  if (!payload) return false;
  const ok = assign(payload, index);
  if (ok) get().clearSelection();
  return ok;
}

/** What a drop onto slot `index` would do, judged by validate() on the would-be profile. */
export function judgeDrop(payload: Payload, index: number): DragState["verdict"] {
  const s = get();
  if (!s.machine) return null;
  return judge(s.machine, s.draft, s.diagnostics, payload, index, runningInstances(s));
}

export function fillCores(index: number, count: number): boolean {
  const s = get();
  if (!s.machine) return false;
  const run = nextFreeCpuRun(s.machine, s.draft, index, count);
  if (!run || !run.length) {
    s.setNotice({
      kind: "warning",
      text: `No free run of ${count} cores continues ${s.draft.instances[index]?.name ?? "this slot"}.`,
    });
    return false;
  }
  return assign({ kind: "cpus", ids: run }, index);
}

export function fillMemory(index: number): boolean {
  const s = get();
  if (!s.machine) return false;
  const r = largestFreeRange(s.machine, s.draft);
  if (!r) {
    s.setNotice({ kind: "warning", text: "No free usable memory is left." });
    return false;
  }
  return assign({ kind: "range", range: r }, index);
}

export function newDraft(): void {
  get().loadDraft(emptyProfile(), null);
  get().setStaleHardware(null);
}

/** A new draft from the machine as it runs now: OS1 owns everything (core's hostLayout). */
export function draftFromHost(): void {
  const machine = get().machine;
  if (!machine) return;
  get().loadDraft(hostLayout(machine, "untitled"), null);
  get().setStaleHardware(null);
}
