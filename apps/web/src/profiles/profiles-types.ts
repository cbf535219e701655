// The profiles slice: the stored list, a save conflict, and the one notice line.
import type { Profile } from "@tessera/core";
import type { StoredProfile } from "../api/profiles";

export interface Conflict {
  current: {
    version: number;
    profile: Profile | null;
    updatedBy: string | null;
    updatedAt: string | null;
  };
}

export interface ProfilesSlice {
  profiles: StoredProfile[];
  conflict: Conflict | null;
  notice: { kind: "ok" | "error" | "warning"; text: string; hint?: string } | null;
  /** Things the open profile names that this machine no longer has. */
  staleHardware: string[] | null;
  /** Asking before the draft with unsaved work is replaced (profiles/discard.tsx). */
  discardAsk: { title: string; lines: string[]; proceed: () => void } | null;
  setDiscardAsk(ask: ProfilesSlice["discardAsk"]): void;
  setProfiles(list: StoredProfile[]): void;
  setConflict(c: Conflict | null): void;
  setNotice(n: ProfilesSlice["notice"]): void;
  setStaleHardware(items: string[] | null): void;
}
