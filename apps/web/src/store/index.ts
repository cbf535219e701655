// The console's one store: each feature's slices combined here; tests call resetStore().
import { create } from "zustand";
import { createDraftSlice } from "../editor/draft-slice";
import { createMachineSlice } from "../editor/machine-slice";
import { createSelectionSlice } from "../editor/selection-slice";
import { createProfilesSlice } from "../profiles/profiles-slice";
import { createRunSlice } from "../run/run-slice";
import { createOs1Slice } from "../os1/os1-slice";
import { createExpirySlice } from "../session/expiry-slice";
import { createSessionSlice } from "../session/session-slice";
import type { State } from "./types";

export const useStore = create<State>()((...a) => ({
  ...createMachineSlice(...a),
  ...createDraftSlice(...a),
  ...createSelectionSlice(...a),
  ...createProfilesSlice(...a),
  ...createSessionSlice(...a),
  ...createRunSlice(...a),
  ...createOs1Slice(...a),
  ...createExpirySlice(...a),
}));

const initialState = useStore.getState();

/** Back to a fresh store: for tests. */
export function resetStore(): void {
  useStore.setState(initialState, true);
}

export type { State } from "./types";
