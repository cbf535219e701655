// The shape of the console's one store. Each feature declares its slices' fields in its own
// *-types.ts (which never import this file, so the slice files can import State from here
// without a cycle); derived fields (owners, diagnostics, marks) are recomputed by the draft
// slice whenever the draft or machine changes.
import type { DraftSlice, MachineSlice, SelectionSlice } from "../editor/editor-types";
import type { ProfilesSlice } from "../profiles/profiles-types";
import type { RunSlice } from "../run/run-types";
import type { Os1Slice } from "../os1/os1-types";
import type { ExpirySlice, SessionSlice } from "../session/session-types";

export type State = MachineSlice &
  DraftSlice &
  SelectionSlice &
  ProfilesSlice &
  SessionSlice &
  RunSlice &
  Os1Slice &
  ExpirySlice;
