// What the profile routes share: reading a profile from a body, the record shape of API.md.
import { parseProfile, profileToJson, type Machine, type Profile } from "@tessera/core";
import { checkProfileSize } from "../../../lifecycle/profile-limits";
import type { StoredProfile } from "../../../db/profiles";
import { AgentError } from "../../../errors";
import type { Services } from "../../../services";

/**
 * Parses a profile with core's codec; a bad one, or one larger than `machine` can hold
 * (lifecycle/profile-limits.ts), is a 400 naming the JSON path.
 */
export function readProfile(json: unknown, prefix: string, machine: Machine): Profile {
  checkProfileSize(json, machine, prefix);
  const r = parseProfile(json);
  if (r.ok) return r.value;
  const join = (p: string) =>
    prefix ? (p ? (p.startsWith("[") ? prefix + p : `${prefix}.${p}`) : prefix) : p;
  const errors = r.errors.map((e) => ({ path: join(e.path), message: e.message }));
  throw new AgentError("BODY-INVALID", {
    message: `${errors[0]!.path || "(body)"}: ${errors[0]!.message}`,
    path: errors[0]!.path,
    errors,
  });
}

/**
 * A profile being saved records the hardware it was made for: the current machine's
 * fingerprint, unless it already names one (an import from another machine keeps its own,
 * so the console can warn that it was made for other hardware).
 */
export function stamped(t: Services, p: Profile): Profile {
  return p.machineFingerprint === undefined
    ? { ...p, machineFingerprint: t.machine.fingerprint }
    : p;
}

export function record(t: Services, p: StoredProfile) {
  return {
    id: p.id,
    name: p.name,
    version: p.version,
    profile: profileToJson(p.profile),
    updatedAt: p.updatedAt,
    updatedBy: p.updatedBy,
    active: p.active,
    fingerprintMismatch: mismatch(t, p.profile),
  };
}

export function mismatch(t: Services, p: Profile): boolean {
  return p.machineFingerprint !== undefined && p.machineFingerprint !== t.machine.fingerprint;
}

export function mustGet(t: Services, id: string): StoredProfile {
  const p = t.profiles.get(id);
  if (!p)
    throw new AgentError("PROFILE-NOT-FOUND", {
      message: `No profile with id ${JSON.stringify(id)}.`,
    });
  return p;
}

export const idParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", minLength: 1, maxLength: 100 } },
} as const;

/** Tells every live client that an operator changed a profile. */
export function announceProfile(
  t: Services,
  action: string,
  id: string,
  name: string,
  version: number,
  by: string,
): void {
  t.hub.publish({
    type: "profile",
    at: new Date(t.now()).toISOString(),
    action,
    id,
    name,
    version,
    by,
  });
}
