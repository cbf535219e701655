// An unsaved draft survives a reload: it is kept in localStorage with where it came from.
import { parseProfile, profileToJson } from "@tessera/core";
import { useStore } from "../store";
import { flagForeignHardware } from "./hardware";
import { hasUnsavedWork } from "./unsaved";

const get = useStore.getState;

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

/** True when a draft worth keeping came back: from a stored profile, or with work in it. */
export function restoreDraft(): boolean {
  let raw: string | null;
  try {
    raw = localStorage.getItem(DRAFT_KEY);
  } catch {
    return false;
  }
  if (!raw) return false;
  try {
    const saved = JSON.parse(raw) as { profile: unknown; source: Record<string, unknown> | null };
    const p = parseProfile(saved.profile);
    if (!p.ok) return false;
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
    flagForeignHardware(p.value);
    const s = get();
    return s.source !== null || hasUnsavedWork(s.draft, null);
  } catch {
    // a corrupt saved draft is ignored, never fatal
    return false;
  }
}

export function startPersistence(): () => void {
  return useStore.subscribe((s, prev) => {
    if (s.draft !== prev.draft || s.source !== prev.source) persistDraft();
  });
}
