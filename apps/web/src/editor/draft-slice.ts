import type { StateCreator } from "zustand";
import { PROFILE_SCHEMA, validate, type Machine, type Profile } from "@tessera/core";
import { markDiagnostics } from "./model/diagnostics";
import { cpuOwners, deviceOwners } from "./model/topology";
import type { State } from "../store/types";
import type { DraftSlice } from "./editor-types";
import { readOnlyRole } from "../session/gate";

const HISTORY_LIMIT = 200;

export function emptyProfile(name = "untitled"): Profile {
  return {
    schema: PROFILE_SCHEMA,
    name,
    instances: [{ name: "os1", cpus: [], memory: [], devices: [] }],
  };
}

/** Everything that follows from (machine, draft): owners and the validator's findings. */
export function derive(machine: Machine | null, draft: Profile) {
  const diagnostics = machine ? validate(machine, draft) : [];
  return {
    cpuOwner: cpuOwners(draft),
    deviceOwner: deviceOwners(draft),
    diagnostics,
    marks: markDiagnostics(diagnostics, draft),
  };
}

// A viewer's draft never changes by editing (the views are disabled too; this also covers
// shortcuts and drags). Opening a stored profile to look at it still works.
const readOnly = (s: State) => readOnlyRole(s.user?.role);

export const createDraftSlice: StateCreator<State, [], [], DraftSlice> = (set, get) => {
  const initial = emptyProfile();
  return {
    draft: initial,
    past: [],
    future: [],
    lastEditKey: null,
    source: null,
    ...derive(null, initial),
    edit(fn, coalesceKey) {
      const s = get();
      if (readOnly(s)) return;
      const next = fn(s.draft);
      if (next === s.draft) return;
      const coalesce = coalesceKey !== undefined && coalesceKey === s.lastEditKey;
      const past = coalesce ? s.past : [...s.past, s.draft].slice(-HISTORY_LIMIT);
      set({
        draft: next,
        past,
        future: [],
        lastEditKey: coalesceKey ?? null,
        ...derive(s.machine, next),
      });
    },
    undo() {
      const s = get();
      if (readOnly(s)) return;
      const prev = s.past[s.past.length - 1];
      if (!prev) return;
      set({
        draft: prev,
        past: s.past.slice(0, -1),
        future: [s.draft, ...s.future],
        lastEditKey: null,
        ...derive(s.machine, prev),
      });
    },
    redo() {
      const s = get();
      if (readOnly(s)) return;
      const next = s.future[0];
      if (!next) return;
      set({
        draft: next,
        past: [...s.past, s.draft],
        future: s.future.slice(1),
        lastEditKey: null,
        ...derive(s.machine, next),
      });
    },
    markBase: null,
    beginMark() {
      if (readOnly(get())) return;
      set({ markBase: get().draft, lastEditKey: null });
    },
    preview(next) {
      const s = get();
      if (readOnly(s)) return;
      if (!s.markBase) return s.edit(() => next);
      if (next !== s.draft) set({ draft: next, ...derive(s.machine, next) });
    },
    commitMark() {
      const s = get();
      const base = s.markBase;
      if (!base) return;
      if (base === s.draft) return set({ markBase: null });
      set({ markBase: null, past: [...s.past, base].slice(-HISTORY_LIMIT), future: [] });
    },
    cancelMark() {
      const s = get();
      const base = s.markBase;
      if (!base) return;
      set({ markBase: null, draft: base, ...derive(s.machine, base) });
    },
    loadDraft(p, source) {
      const s = get();
      set({
        draft: p,
        source,
        markBase: null,
        past: [],
        future: [],
        lastEditKey: null,
        ...derive(s.machine, p),
      });
    },
    setSource(source) {
      set({ source });
    },
  };
};
