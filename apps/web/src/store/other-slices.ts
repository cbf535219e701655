import type { StateCreator } from "zustand";
import type {
  MachineSlice,
  ProfilesSlice,
  SelectionSlice,
  SessionSlice,
  State,
  Theme,
} from "./types";
import { derive } from "../editor/draft-slice";

export const createMachineSlice: StateCreator<State, [], [], MachineSlice> = (set, get) => ({
  machine: null,
  fingerprint: null,
  machineError: null,
  setMachine(machine, fingerprint) {
    set({ machine, fingerprint, machineError: null, ...derive(machine, get().draft) });
  },
  setMachineError(machineError) {
    set({ machineError });
  },
});

let nonce = 0;
export const createSelectionSlice: StateCreator<State, [], [], SelectionSlice> = (set, get) => ({
  selectedCpus: {},
  cpuAnchor: null,
  selectedDevices: {},
  pendingRange: null,
  drag: null,
  focus: null,
  selectCpus(ids, mode, anchor) {
    const cur = get().selectedCpus;
    let next: Record<number, true>;
    if (mode === "replace") next = {};
    else next = { ...cur };
    for (const id of ids) {
      if (mode === "toggle" && next[id]) delete next[id];
      else next[id] = true;
    }
    set({ selectedCpus: next, cpuAnchor: anchor ?? get().cpuAnchor });
  },
  selectDevices(ids, mode) {
    const next: Record<string, true> = mode === "replace" ? {} : { ...get().selectedDevices };
    for (const id of ids) {
      if (mode === "toggle" && next[id]) delete next[id];
      else next[id] = true;
    }
    set({ selectedDevices: next });
  },
  clearSelection() {
    set({ selectedCpus: {}, cpuAnchor: null, selectedDevices: {}, pendingRange: null });
  },
  setPendingRange(pendingRange) {
    set({ pendingRange });
  },
  setDrag(drag) {
    set({ drag });
  },
  focusOn(t) {
    set({ focus: { ...t, nonce: ++nonce } as SelectionSlice["focus"] });
  },
});

export const createProfilesSlice: StateCreator<State, [], [], ProfilesSlice> = (set) => ({
  profiles: [],
  conflict: null,
  notice: null,
  staleHardware: null,
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

function storedTheme(): Theme {
  try {
    const t = globalThis.localStorage?.getItem("tessera.theme");
    return t === "light" || t === "dark" ? t : "system";
  } catch {
    return "system";
  }
}

export const createSessionSlice: StateCreator<State, [], [], SessionSlice> = (set) => ({
  user: null,
  sessionStatus: "unknown",
  theme: storedTheme(),
  wsStatus: "closed",
  setUser(user) {
    set({ user, sessionStatus: user ? "signed-in" : "signed-out" });
  },
  setTheme(theme) {
    try {
      if (theme === "system") localStorage.removeItem("tessera.theme");
      else localStorage.setItem("tessera.theme", theme);
    } catch {
      // private mode: the choice lasts for this page only
    }
    set({ theme });
  },
  setWsStatus(wsStatus) {
    set({ wsStatus });
  },
});
