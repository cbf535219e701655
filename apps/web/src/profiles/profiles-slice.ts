// The stored profiles as last listed, a save conflict, the notice line, and hardware the open
// profile names that this machine lacks.
import type { StateCreator } from "zustand";
import type { State } from "../store/types";
import type { ProfilesSlice } from "./profiles-types";

export const createProfilesSlice: StateCreator<State, [], [], ProfilesSlice> = (set) => ({
  profiles: [],
  conflict: null,
  notice: null,
  staleHardware: null,
  discardAsk: null,
  setDiscardAsk(discardAsk) {
    set({ discardAsk });
  },
  setProfiles(profiles) {
    set({ profiles });
  },
  setConflict(conflict) {
    set({ conflict });
  },
  setNotice(notice) {
    set({ notice });
  },
  setStaleHardware(staleHardware) {
    set({ staleHardware });
  },
});
