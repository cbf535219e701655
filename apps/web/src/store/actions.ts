// Module-level actions: everything that does I/O or spans slices lives here, so views only
// render and call these. The WebSocket client feeds messages in through applyServerMessage.
import {
  hardwareDrift,
  hostLayout,
  parseProfile,
  profileToJson,
  type Machine,
  type Profile,
} from "@tessera/core";
import * as api from "../api/client";
import { coreLargestFreeRange, coreNextFreeCpuRun } from "../core-bridge";
import { judge } from "../model/judge";
import { applyPayload, type Payload } from "../model/payload";
import { emptyProfile } from "./draft-slice";
import { refreshProfiles } from "./profile-actions";
import { useStore } from "./index";
import type { DragState } from "./types";

const get = useStore.getState;

export function errorText(e: unknown): { text: string; hint?: string } {
  if (e instanceof api.ApiError) return { text: `${e.message} (${e.code})`, hint: e.hint };
  return { text: e instanceof Error ? e.message : String(e) };
}

// ---- session and machine -------------------------------------------------------------

export async function bootstrap(): Promise<void> {
  try {
    const s = await api.getSession();
    get().setUser(s?.user ?? null);
    if (s) await afterSignIn();
  } catch (e) {
    get().setUser(null);
    get().setNotice({ kind: "error", ...errorText(e) });
  }
}

export async function signIn(username: string, password: string): Promise<string | null> {
  try {
    const s = await api.login(username, password);
    get().setUser(s.user);
    await afterSignIn();
    return null;
  } catch (e) {
    return errorText(e).text;
  }
}

export async function signOut(): Promise<void> {
  try {
    await api.logout();
  } finally {
    get().setUser(null);
  }
}

async function afterSignIn(): Promise<void> {
  await loadMachine();
  void refreshProfiles();
}

export async function loadMachine(): Promise<void> {
  try {
    const { machine, fingerprint } = await api.getMachine();
    get().setMachine(machine, fingerprint);
    restoreDraft(machine);
  } catch (e) {
    get().setMachineError(errorText(e).text);
  }
}

// ---- draft persistence (an unsaved draft survives a reload) ------------------------------

const DRAFT_KEY = "tessera.draft.v1";

export function persistDraft(): void {
  const s = get();
  try {
    localStorage.setItem(
      DRAFT_KEY,
      JSON.stringify({
        profile: profileToJson(s.draft),
        source: s.source && {
          id: s.source.id,
          version: s.source.version,
          name: s.source.name,
          base: s.source.base && profileToJson(s.source.base),
        },
      }),
    );
  } catch {
    // storage full or disabled: the draft lives in memory only
  }
}

export function restoreDraft(machine: Machine): void {
  let raw: string | null;
  try {
    raw = localStorage.getItem(DRAFT_KEY);
  } catch {
    return;
  }
  if (!raw) return;
  try {
    const saved = JSON.parse(raw) as { profile: unknown; source: Record<string, unknown> | null };
    const p = parseProfile(saved.profile);
    if (!p.ok) return;
    const base = saved.source?.base ? parseProfile(saved.source.base) : null;
    get().loadDraft(
      p.value,
      saved.source
        ? {
            id: String(saved.source.id),
            version: Number(saved.source.version),
            name: String(saved.source.name),
            base: base && base.ok ? base.value : null,
          }
        : null,
    );
    checkHardware(machine, p.value);
  } catch {
    // a corrupt saved draft is ignored, never fatal
  }
}

export function startPersistence(): () => void {
  return useStore.subscribe((s, prev) => {
    if (s.draft !== prev.draft || s.source !== prev.source) persistDraft();
  });
}

/** Lists what a profile names that this machine does not have (core's hardwareDrift). */
export function missingHardware(machine: Machine, p: Profile): string[] {
  return hardwareDrift(machine, p).map((d) => d.message);
}

function checkHardware(machine: Machine, p: Profile): void {
  const fp = get().fingerprint;
  const mismatch = !!p.machineFingerprint && !!fp && p.machineFingerprint !== fp;
  const missing = missingHardware(machine, p);
  get().setStaleHardware(mismatch || missing.length ? missing : null);
}

// ---- editing ------------------------------------------------------------------------

export function currentSelection(): Payload | null {
  const s = get();
  const cpus = Object.keys(s.selectedCpus).map(Number);
  if (cpus.length) return { kind: "cpus", ids: cpus.sort((a, b) => a - b) };
  const devs = Object.keys(s.selectedDevices);
  if (devs.length) return { kind: "devices", ids: devs };
  if (s.pendingRange) return { kind: "range", range: s.pendingRange };
  return null;
}

/** Gives the payload to instance `index` as one undoable edit. */
export function assign(payload: Payload, index: number): boolean {
  const s = get();
  if (!s.machine) return false;
  const next = applyPayload(s.machine, s.draft, payload, index);
  if (!next) {
    s.setNotice({
      kind: "error",
      text: `Cannot place ${payload.kind === "chunk" ? "that chunk" : "that"}: no free usable memory of that size.`,
    });
    return false;
  }
  s.edit(() => next);
  if (payload.kind === "range") s.setPendingRange(null);
  return true;
}

export function assignSelectionTo(index: number): boolean {
  const payload = currentSelection();
  if (!payload) return false;
  const ok = assign(payload, index);
  if (ok) get().clearSelection();
  return ok;
}

/** What a drop onto slot `index` would do, judged by validate() on the would-be profile. */
export function judgeDrop(payload: Payload, index: number): DragState["verdict"] {
  const s = get();
  if (!s.machine) return null;
  return judge(s.machine, s.draft, s.diagnostics, payload, index);
}

export function fillCores(index: number, count: number): boolean {
  const s = get();
  if (!s.machine) return false;
  const run = coreNextFreeCpuRun(s.machine, s.draft, index, count);
  if (!run || !run.length) {
    s.setNotice({
      kind: "warning",
      text: `No free run of ${count} cores continues ${s.draft.instances[index]?.name ?? "this slot"}.`,
    });
    return false;
  }
  return assign({ kind: "cpus", ids: run }, index);
}

export function fillMemory(index: number): boolean {
  const s = get();
  if (!s.machine) return false;
  const r = coreLargestFreeRange(s.machine, s.draft);
  if (!r) {
    s.setNotice({ kind: "warning", text: "No free usable memory is left." });
    return false;
  }
  return assign({ kind: "range", range: r }, index);
}

export function newDraft(): void {
  get().loadDraft(emptyProfile(), null, true);
  get().setStaleHardware(null);
}

/** A new draft from the machine as it runs now: OS1 owns everything (core's hostLayout). */
export function draftFromHost(): void {
  const machine = get().machine;
  if (!machine) return;
  get().loadDraft(hostLayout(machine, "untitled"), null, true);
  get().setStaleHardware(null);
}
