// The audit log: append-only (triggers in the schema refuse UPDATE and DELETE), readable
// with filters. Who did what to which instance or profile, when, with what result.
import type { Db } from "./database";

export interface AuditEntry {
  id: number;
  at: string;
  user: string;
  action: string;
  target: string | null;
  instance: string | null;
  profileId: string | null;
  result: string;
  detail: string | null;
}

export type AuditInput = Omit<AuditEntry, "id" | "at" | "target" | "instance" | "profileId" | "detail"> &
  Partial<Pick<AuditEntry, "target" | "instance" | "profileId" | "detail">>;

export interface AuditFilter {
  user?: string;
  instance?: string;
  action?: string;
  from?: string;
  to?: string;
  limit?: number;
}

export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  record(e: AuditInput): void {
    this.db
      .prepare(
        "INSERT INTO audit(at, user, action, target, instance, profile_id, result, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(
        new Date(this.now()).toISOString(),
        e.user,
        e.action,
        e.target ?? null,
        e.instance ?? null,
        e.profileId ?? null,
        e.result,
        e.detail ?? null,
      );
  }

  query(f: AuditFilter): AuditEntry[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (f.user) (where.push("user = ?"), args.push(f.user));
    if (f.instance) (where.push("instance = ?"), args.push(f.instance));
    if (f.action) (where.push("action = ?"), args.push(f.action));
    if (f.from) (where.push("at >= ?"), args.push(f.from));
    if (f.to) (where.push("at <= ?"), args.push(f.to));
    const sql =
      "SELECT id, at, user, action, target, instance, profile_id AS profileId, result, detail FROM audit" +
      (where.length ? ` WHERE ${where.join(" AND ")}` : "") +
      " ORDER BY id DESC LIMIT ?";
    args.push(Math.min(Math.max(f.limit ?? 200, 1), 1000));
    return this.db.prepare(sql).all(...args) as AuditEntry[];
  }
}
