// What the operator has picked (cores, devices, a drawn range), the drag in flight, and the
// element to jump to (a diagnostic's "show me").
import type { StateCreator } from "zustand";
import type { State } from "../store/types";
import type { SelectionSlice } from "./editor-types";

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
