// What the profile routes share: reading a profile from a body, the id parameter.
import { parseProfile, type Machine, type Profile } from "@tessera/core";
import { checkProfileSize } from "../../../lifecycle/profile-limits";
import { AgentError } from "../../../errors";

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

export const idParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", minLength: 1, maxLength: 100 } },
} as const;
