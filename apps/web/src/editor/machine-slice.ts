// The machine the agent discovered, and its fingerprint. Setting it re-derives the draft's
// findings, since validate() runs against the machine.
import type { StateCreator } from "zustand";
import type { State } from "../store/types";
import { derive } from "./draft-slice";
import type { MachineSlice } from "./editor-types";

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
