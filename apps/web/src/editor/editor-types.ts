// The editor's slices: the machine, the draft with its history, and the selection and drag.
import type { Diagnostic, Machine, Profile, Range } from "@tessera/core";
import type { DiagMarks } from "./model/diagnostics";
import type { Verdict } from "./model/judge";
import type { Payload } from "./model/payload";

export interface MachineSlice {
  machine: Machine | null;
  fingerprint: string | null;
  machineError: string | null;
  setMachine(machine: Machine, fingerprint: string): void;
  setMachineError(message: string | null): void;
}

/** Where the draft came from: the stored profile and the version it was based on. */
export interface DraftSource {
  id: string;
  version: number;
  name: string;
  /** The stored profile at baseVersion, to tell whether the draft changed. */
  base: Profile | null;
}

export interface DraftSlice {
  draft: Profile;
  past: Profile[];
  future: Profile[];
  lastEditKey: string | null;
  source: DraftSource | null;
  cpuOwner: Record<number, number>;
  deviceOwner: Record<string, number>;
  diagnostics: Diagnostic[];
  marks: DiagMarks;
  /** Apply a pure edit; consecutive edits with the same coalesce key make one undo step. */
  edit(fn: (p: Profile) => Profile, coalesceKey?: string): void;
  undo(): void;
  redo(): void;
  /**
   * A history mark for a gesture (a drag on the memory map): moves after beginMark() show in
   * the draft through preview() without an undo step each; commitMark() makes the whole
   * gesture one undo step, cancelMark() puts the draft back as it was at the mark.
   */
  markBase: Profile | null;
  beginMark(): void;
  preview(next: Profile): void;
  commitMark(): void;
  cancelMark(): void;
  /**
   * Replace the draft wholesale (open, import, new, reload): a new history, so undo never
   * crosses into another profile and a save goes to the profile the draft came from.
   */
  loadDraft(p: Profile, source: DraftSource | null): void;
  setSource(source: DraftSource | null): void;
}

export interface DragState {
  payload: Payload;
  over: number | null;
  /** Errors the drop would add and what it moves; null while it is being judged. */
  verdict: Verdict | null;
}

export type FocusTarget =
  | { kind: "cpu"; key: number }
  | { kind: "device"; key: string }
  | { kind: "range"; key: Range }
  | { kind: "slot"; key: number };

export interface SelectionSlice {
  selectedCpus: Record<number, true>;
  cpuAnchor: number | null;
  selectedDevices: Record<string, true>;
  pendingRange: Range | null;
  drag: DragState | null;
  focus: (FocusTarget & { nonce: number }) | null;
  selectCpus(ids: readonly number[], mode: "replace" | "add" | "toggle", anchor?: number): void;
  selectDevices(ids: readonly string[], mode: "replace" | "add" | "toggle"): void;
  clearSelection(): void;
  setPendingRange(r: Range | null): void;
  setDrag(d: DragState | null): void;
  focusOn(t: FocusTarget): void;
}
