// Session expiry: when the agent answers 401 AUTH-REQUIRED in the middle of work, the
// console keeps everything (draft, open view) and asks for the password again in a dialog.
import type { StateCreator } from "zustand";
import type { ExpirySlice } from "./session-types";
import type { State } from "../store/types";

export const createExpirySlice: StateCreator<State, [], [], ExpirySlice> = (set) => ({
  sessionExpired: false,
  setSessionExpired(sessionExpired) {
    set({ sessionExpired });
  },
});
