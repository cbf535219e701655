// Stored profiles and their versions (API.md "Profiles").
import { parseProfile, profileToJson, type Profile } from "@tessera/core";
import { request } from "./client";

/**
 * A stored profile as the console holds it: core's wire ProfileRecord / ProfileSummary with
 * the body parsed into the model (null when it could not be read or was not sent).
 */
export interface StoredProfile {
  id: string;
  name: string;
  version: number;
  updatedBy: string | null;
  updatedAt: string | null;
  active?: boolean;
  /** The agent's word: the profile was saved for other hardware. */
  fingerprintMismatch?: boolean;
  profile: Profile | null;
}

function toRecord(raw: Record<string, unknown>): StoredProfile {
  let profile: Profile | null = null;
  if (raw.profile !== undefined) {
    const p = parseProfile(raw.profile);
    if (p.ok) profile = p.value;
  }
  return {
    id: String(raw.id),
    name: String(raw.name ?? profile?.name ?? raw.id),
    version: Number(raw.version ?? 0),
    updatedBy: (raw.updatedBy as string | undefined) ?? null,
    updatedAt: (raw.updatedAt as string | undefined) ?? null,
    active: Boolean(raw.active),
    fingerprintMismatch: Boolean(raw.fingerprintMismatch),
    profile,
  };
}

function unwrapList(r: unknown): Record<string, unknown>[] {
  if (Array.isArray(r)) return r as Record<string, unknown>[];
  const o = r as Record<string, unknown>;
  const list = o.profiles ?? o.items ?? o.versions ?? [];
  return list as Record<string, unknown>[];
}

function unwrapOne(r: unknown): Record<string, unknown> {
  const o = r as Record<string, unknown>;
  return (
    o.profile && typeof o.profile === "object" && "id" in (o.profile as object) ? o.profile : o
  ) as Record<string, unknown>;
}

export async function listProfiles(): Promise<StoredProfile[]> {
  return unwrapList(await request("GET", "/api/profiles")).map(toRecord);
}
export async function getProfile(id: string): Promise<StoredProfile> {
  return toRecord(unwrapOne(await request("GET", `/api/profiles/${encodeURIComponent(id)}`)));
}
export async function createProfile(profile: Profile): Promise<StoredProfile> {
  return toRecord(
    unwrapOne(await request("POST", "/api/profiles", { profile: profileToJson(profile) })),
  );
}
export async function saveProfile(
  id: string,
  baseVersion: number,
  profile: Profile,
): Promise<StoredProfile> {
  const r = await request("PUT", `/api/profiles/${encodeURIComponent(id)}`, {
    baseVersion,
    profile: profileToJson(profile),
  });
  return toRecord(unwrapOne(r));
}
export async function deleteProfile(id: string): Promise<void> {
  await request("DELETE", `/api/profiles/${encodeURIComponent(id)}`);
}
export async function duplicateProfile(id: string, name: string): Promise<StoredProfile> {
  return toRecord(
    unwrapOne(await request("POST", `/api/profiles/${encodeURIComponent(id)}/duplicate`, { name })),
  );
}
export async function listVersions(id: string): Promise<StoredProfile[]> {
  return unwrapList(await request("GET", `/api/profiles/${encodeURIComponent(id)}/versions`)).map(
    (v) => toRecord({ id, ...v }),
  );
}
export async function getVersion(id: string, version: number): Promise<StoredProfile> {
  const r = unwrapOne(
    await request("GET", `/api/profiles/${encodeURIComponent(id)}/versions/${version}`),
  );
  return toRecord({ id, ...r });
}
export async function activateProfile(id: string): Promise<unknown> {
  return request("POST", `/api/profiles/${encodeURIComponent(id)}/activate`, {});
}
