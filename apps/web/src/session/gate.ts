// Role gating in one place (API.md: viewer < operator < admin). Controls a user may not use
// stay visible but disabled, and say why in their tooltip; the agent enforces the same rule
// with 403 FORBIDDEN, this only spares the click. Pure: the store uses it too.
import { ROLES, roleAtLeast, type Role } from "@tessera/core";

export type { Role };

const isRole = (r: string | null | undefined): r is Role =>
  (ROLES as readonly string[]).includes(r ?? "");

/** Core's rule (roleAtLeast) for a role that may be unknown or missing. */
export function hasRole(role: string | null | undefined, need: Role): boolean {
  return isRole(role) && roleAtLeast(role, need);
}

export interface Gate {
  disabled: boolean;
  /** Why it is disabled, for the tooltip; null when allowed. */
  reason: string | null;
}

/** `what` completes "… to <what>", e.g. "start or stop instances". */
export function gate(role: string | null | undefined, need: Role, what: string): Gate {
  if (hasRole(role, need)) return { disabled: false, reason: null };
  const article = /^[aeiou]/i.test(role ?? "") ? "an" : "a";
  const who = role ? `You are signed in as ${article} ${role}` : "You are not signed in";
  const needs = need === "admin" ? "an admin" : "an operator or admin";
  return {
    disabled: true,
    reason: `${who}: only ${needs} may ${what}. Ask an admin to change your role.`,
  };
}

/** What a viewer may not do in the editor: the console is read-only for them. */
export const EDIT_WHAT = "change profiles or the layout";

/** True when this role may not edit (a viewer); signed out counts as not yet known. */
export function readOnlyRole(role: string | null | undefined): boolean {
  return !!role && !hasRole(role, "operator");
}
