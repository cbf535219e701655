// The profiles slice: the stored list, a save conflict, and the one notice line.
import type { Profile } from "@tessera/core";
import type { ProfileRecord } from "../api/client";

export interface Conflict {
  current: {
    version: number;
    profile: Profile | null;
    updatedBy: string | null;
    updatedAt: string | null;
  };
}

export interface ProfilesSlice {
  profiles: ProfileRecord[];
  conflict: Conflict | null;
  notice: { kind: "ok" | "error" | "warning"; text: string; hint?: string } | null;
  /** Things the open profile names that this machine no longer has. */
  staleHardware: string[] | null;
  setProfiles(list: ProfileRecord[]): void;
  setConflict(c: Conflict | null): void;
  setNotice(n: ProfilesSlice["notice"]): void;
  setStaleHardware(items: string[] | null): void;
}
