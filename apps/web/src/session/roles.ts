// The signed-in user's gates, for views (session/gate.ts holds the rule itself).
import { useStore } from "../store";
import { EDIT_WHAT, gate, readOnlyRole, type Gate, type Role } from "./gate";

/** The gate for the signed-in user. */
export function useGate(need: Role, what: string): Gate {
  const role = useStore((s) => s.user?.role ?? null);
  return gate(role, need, what);
}

/**
 * The editor's gate: a viewer's console is read-only (controls disabled, dragging off). The
 * same rule as the store's (readOnlyRole): the editor only shows once someone signed in.
 */
export function useEditGate(): Gate {
  const role = useStore((s) => s.user?.role ?? null);
  return readOnlyRole(role) ? gate(role, "operator", EDIT_WHAT) : OPEN;
}

const OPEN: Gate = { disabled: false, reason: null };
