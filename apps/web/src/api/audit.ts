// The agent's audit log (API.md "GET /api/audit", newest first), with its filters as query
// parameters.
import type { AuditEntry, AuditFilter } from "@tessera/core";
import { request } from "./client";

/** Core's wire filter; `from`/`to` may also be local date-times from the form's inputs. */
export type { AuditFilter };

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

export async function listAudit(f: AuditFilter): Promise<AuditEntry[]> {
  return (await request<{ entries: AuditEntry[] }>("GET", `/api/audit?${auditQuery(f)}`)).entries;
}
