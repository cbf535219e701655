import type { StateCreator } from "zustand";
import type { State } from "../store/types";
import type { Os1Slice } from "./os1-types";

export const createOs1Slice: StateCreator<State, [], [], Os1Slice> = (set) => ({
  os1Boot: null,
  os1Report: null,
  os1Error: null,
  grubOpen: false,
  setOs1(v) {
    set(v);
  },
  setGrubOpen(grubOpen) {
    set({ grubOpen });
  },
});
