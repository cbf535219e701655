// The shape of the console's one store. Slices own their fields; derived fields (owners,
// diagnostics, marks) are recomputed by the draft slice whenever the draft or machine changes.
import type { Diagnostic, Machine, Profile, Range } from "@tessera/core";
import type { ProfileRecord, User } from "../api/client";
import type { DiagMarks } from "../editor/model/diagnostics";
import type { Payload } from "../editor/model/payload";
import type { ExpirySlice } from "../session/expiry-slice";
import type { RunSlice } from "../run/run-slice";

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
  /** Replace the draft wholesale (open, reload, import); clears history unless keepHistory. */
  loadDraft(p: Profile, source: DraftSource | null, keepHistory?: boolean): void;
  setSource(source: DraftSource | null): void;
}

export interface DragState {
  payload: Payload;
  over: number | null;
  /** Errors the drop would add, from validate() on the would-be profile; null = can't place. */
  verdict: { ok: boolean; reasons: string[] } | null;
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

export interface Conflict {
  current: {
    version: number;
    profile: Profile | null;
    updatedBy: string | null;
    updatedAt: string | null;
  };
}

export interface ProfilesSlice {
  profiles: ProfileRecord[];
  conflict: Conflict | null;
  notice: { kind: "ok" | "error" | "warning"; text: string; hint?: string } | null;
  /** Things the open profile names that this machine no longer has. */
  staleHardware: string[] | null;
  setProfiles(list: ProfileRecord[]): void;
  setConflict(c: Conflict | null): void;
  setNotice(n: ProfilesSlice["notice"]): void;
  setStaleHardware(items: string[] | null): void;
}

export type Theme = "system" | "light" | "dark";

export interface SessionSlice {
  user: User | null;
  sessionStatus: "unknown" | "signed-out" | "signed-in";
  theme: Theme;
  wsStatus: "closed" | "connecting" | "open";
  setUser(user: User | null): void;
  setTheme(theme: Theme): void;
  setWsStatus(s: SessionSlice["wsStatus"]): void;
}

export type State = MachineSlice &
  DraftSlice &
  SelectionSlice &
  ProfilesSlice &
  SessionSlice &
  RunSlice &
  ExpirySlice;
