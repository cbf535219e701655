// Stored profiles: open, save (with the 409 PROFILE-STALE conflict), save as, rename,
// duplicate, delete, import and export, history.
import { hasErrors, parseProfile, profileToJson, type Profile } from "@tessera/core";
import { ApiError } from "../api/client";
import * as api from "../api/profiles";
import { flagForeignHardware } from "../editor/hardware";
import { errorText } from "../ui/error-text";
import { rememberOpened } from "./last-opened";
import { useStore } from "../store";

const get = useStore.getState;

export async function refreshProfiles(): Promise<void> {
  try {
    get().setProfiles(await api.listProfiles());
  } catch (e) {
    get().setNotice({ kind: "error", ...errorText(e) });
  }
}

export async function openProfile(id: string): Promise<void> {
  try {
    const rec = await api.getProfile(id);
    if (!rec.profile) throw new Error(`Profile ${id} could not be read.`);
    get().loadDraft(rec.profile, {
      id: rec.id,
      version: rec.version,
      name: rec.name,
      base: rec.profile,
    });
    get().setConflict(null);
    rememberOpened(rec.id);
    flagForeignHardware(rec.profile);
    get().setNotice({ kind: "ok", text: `Opened ${rec.name} (version ${rec.version}).` });
  } catch (e) {
    get().setNotice({ kind: "error", ...errorText(e) });
  }
}

function stamp(p: Profile): Profile {
  const fp = get().fingerprint;
  return fp ? { ...p, machineFingerprint: fp } : p;
}

// Profiles this console is saving right now: the live event of its own save is no news.
const saving = new Set<string>();
export const savingNow = (id: string) => saving.has(id);

export async function saveDraft(): Promise<boolean> {
  const s = get();
  if (!s.source) return saveDraftAs(s.draft.name);
  const profile = stamp(s.draft);
  const id = s.source.id;
  saving.add(id);
  try {
    const rec = await api.saveProfile(s.source.id, s.source.version, profile);
    get().setSource({ id: rec.id, version: rec.version, name: rec.name, base: profile });
    get().setConflict(null);
    get().setNotice({ kind: "ok", text: `Saved ${rec.name} as version ${rec.version}.` });
    void refreshProfiles();
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.code === "PROFILE-STALE") {
      const cur = (e.body?.current ?? {}) as Record<string, unknown>;
      const parsed = cur.profile ? parseProfile(cur.profile) : null;
      get().setConflict({
        current: {
          version: Number(cur.version ?? 0),
          profile: parsed && parsed.ok ? parsed.value : null,
          updatedBy: (cur.updatedBy as string | undefined) ?? null,
          updatedAt: (cur.updatedAt as string | undefined) ?? null,
        },
      });
      return false;
    }
    get().setNotice({ kind: "error", ...errorText(e) });
    return false;
  } finally {
    saving.delete(id);
  }
}

export async function saveDraftAs(name: string): Promise<boolean> {
  const profile = stamp({ ...get().draft, name });
  try {
    const rec = await api.createProfile(profile);
    get().edit((p) => ({ ...p, name }));
    get().setSource({ id: rec.id, version: rec.version, name: rec.name, base: profile });
    get().setNotice({ kind: "ok", text: `Saved ${rec.name} (version ${rec.version}).` });
    void refreshProfiles();
    return true;
  } catch (e) {
    get().setNotice({ kind: "error", ...errorText(e) });
    return false;
  }
}

/** Conflict: take the version someone else saved and drop the draft. */
export function reloadFromConflict(): void {
  const s = get();
  const c = s.conflict;
  if (!c || !s.source || !c.current.profile) return;
  s.loadDraft(c.current.profile, {
    ...s.source,
    version: c.current.version,
    base: c.current.profile,
  });
  s.setConflict(null);
}

/**
 * Conflict: the draft becomes `merged` (their version with the draft's side where chosen),
 * now based on their version, so the next save keeps both sides' edits. Without their
 * profile (it could not be read) the draft stays as it is, based on their version.
 */
export function keepDraftOverConflict(merged: Profile | null): void {
  const s = get();
  const c = s.conflict;
  if (!c || !s.source) return;
  if (merged) s.edit(() => merged);
  s.setSource({ ...s.source, version: c.current.version, base: c.current.profile });
  s.setConflict(null);
  s.setNotice({
    kind: "warning",
    text: `Your draft now holds the choices you made over version ${c.current.version}: save to store it.`,
  });
}

export async function renameProfile(name: string): Promise<void> {
  get().edit((p) => ({ ...p, name }));
  if (get().source) await saveDraft();
}

export async function duplicateCurrent(): Promise<void> {
  const s = get().source;
  if (!s) return;
  try {
    const rec = await api.duplicateProfile(s.id, `${s.name} copy`);
    await refreshProfiles();
    await openProfile(rec.id);
  } catch (e) {
    get().setNotice({ kind: "error", ...errorText(e) });
  }
}

export async function deleteStored(id: string): Promise<void> {
  try {
    await api.deleteProfile(id);
    if (get().source?.id === id) get().setSource(null);
    await refreshProfiles();
    get().setNotice({ kind: "ok", text: "Profile deleted." });
  } catch (e) {
    get().setNotice({ kind: "error", ...errorText(e) });
  }
}

export async function activateCurrent(): Promise<void> {
  const s = get();
  if (hasErrors(s.diagnostics)) {
    s.setNotice({
      kind: "error",
      text: "Fix the errors first: a profile with errors cannot be made active.",
    });
    return;
  }
  if (!s.source) return;
  try {
    await api.activateProfile(s.source.id);
    s.setNotice({ kind: "ok", text: `${s.source.name} is now the active profile.` });
    void refreshProfiles();
  } catch (e) {
    s.setNotice({ kind: "error", ...errorText(e) });
  }
}

export function exportJson(): string {
  return JSON.stringify(profileToJson(get().draft), null, 2) + "\n";
}

export function importJson(text: string): string | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return "The file is not JSON.";
  }
  const p = parseProfile(json);
  if (!p.ok) return p.errors.map((e) => `${e.path || "(top)"}: ${e.message}`).join("\n");
  get().loadDraft(p.value, null);
  flagForeignHardware(p.value);
  return null;
}
