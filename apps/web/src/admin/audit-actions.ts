// Reads the agent's audit log (GET /api/audit, newest first). Read-only by design: the
// agent has no route that changes it.
import { auditQuery, listAudit, type AuditFilter } from "../api/audit";
import type { AuditEntry } from "@tessera/core";
import { withSession } from "../session/expiry";

export type { AuditEntry };

export type { AuditFilter };
export { auditQuery };

export const fetchAudit = (f: AuditFilter): Promise<AuditEntry[]> =>
  withSession(() => listAudit(f));

/** Known actions, for the filter's choices (others seen in the log are added). */
export const KNOWN_ACTIONS = [
  "session.login",
  "session.logout",
  "access.denied",
  "instance.start",
  "instance.stop",
  "instance.force-stop",
  "instance.start-all",
  "instance.result",
  "instance.overdue",
  "profile.import",
  "profile.create",
  "profile.update",
  "profile.activate",
  "profile.delete",
  "profile.duplicate",
  "machine.rescan",
  "grub.install",
  "grub.boot-once",
  "grub.default",
  "grub.uninstall",
  "user.add",
  "user.update",
  "user.remove",
];

/** A result in words and a tone for colour. */
export function resultTone(result: string): "ok" | "bad" | "neutral" {
  if (result === "ok" || result === "running" || result === "stopped") return "ok";
  if (/fail|refus|denied|forbid|error/i.test(result)) return "bad";
  return "neutral";
}
