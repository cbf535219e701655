// Reads the agent's audit log (GET /api/audit, newest first). Read-only by design: the
// agent has no route that changes it.
import * as api from "../api/client";
import type { AuditEntry } from "@tessera/core";
import { withSession } from "../session/expiry";

export type { AuditEntry };

export interface AuditFilter {
  user?: string;
  instance?: string;
  action?: string;
  /** Local date-time strings from <input type="datetime-local">; sent as ISO times. */
  from?: string;
  to?: string;
  limit?: number;
}

export function auditQuery(f: AuditFilter): string {
  const q = new URLSearchParams();
  if (f.user) q.set("user", f.user);
  if (f.instance) q.set("instance", f.instance);
  if (f.action) q.set("action", f.action);
  const iso = (v: string) => {
    const t = new Date(v);
    return Number.isNaN(t.getTime()) ? null : t.toISOString();
  };
  if (f.from && iso(f.from)) q.set("from", iso(f.from)!);
  if (f.to && iso(f.to)) q.set("to", iso(f.to)!);
  q.set("limit", String(f.limit ?? 200));
  return q.toString();
}

export async function fetchAudit(f: AuditFilter): Promise<AuditEntry[]> {
  const r = await withSession(() =>
    api.request<{ entries: AuditEntry[] }>("GET", `/api/audit?${auditQuery(f)}`),
  );
  return r.entries;
}

/** Known actions, for the filter's choices (others seen in the log are added). */
export const KNOWN_ACTIONS = [
  "session.login",
  "session.logout",
  "instance.start",
  "instance.stop",
  "instance.force-stop",
  "instance.start-all",
  "instance.result",
  "profile.import",
  "profile.create",
  "profile.update",
  "profile.activate",
  "profile.delete",
  "profile.duplicate",
  "machine.rescan",
  "grub.install",
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
