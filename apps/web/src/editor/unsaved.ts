// Whether the draft holds work that a save has not kept: changed since the stored version it
// came from, or, never saved, anything other than an empty draft.
import { profileToJson, type Profile } from "@tessera/core";
import { emptyProfile } from "./draft-slice";
import type { DraftSource } from "./editor-types";

// The stored copy carries the machine fingerprint stamped at save; the draft need not.
const canon = (p: Profile) =>
  JSON.stringify(profileToJson({ ...p, machineFingerprint: undefined }));

export function sameLayout(a: Profile, b: Profile): boolean {
  return a === b || canon(a) === canon(b);
}

export function hasUnsavedWork(draft: Profile, source: DraftSource | null): boolean {
  if (source) return !source.base || !sameLayout(source.base, draft);
  return !sameLayout(emptyProfile(), draft);
}
