// The audit log: append-only (triggers in the schema refuse UPDATE and DELETE), readable
// with filters. Who did what to which instance or profile, when, with what result.
import type { AuditEntry, AuditFilter } from "@tessera/core";
import type { Db } from "./database";

// The entry and the filter are core's wire types, shared with the console.
export type { AuditEntry, AuditFilter };

export type AuditInput = Omit<
  AuditEntry,
  "id" | "at" | "target" | "instance" | "profileId" | "detail"
> &
  Partial<Pick<AuditEntry, "target" | "instance" | "profileId" | "detail">>;

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
    const filters: [string, string | undefined][] = [
      ["user = ?", f.user],
      ["instance = ?", f.instance],
      ["action = ?", f.action],
      ["at >= ?", f.from],
      ["at <= ?", f.to],
    ];
    for (const [clause, value] of filters) {
      if (value === undefined || value === "") continue;
      where.push(clause);
      args.push(value);
    }
    const sql =
      "SELECT id, at, user, action, target, instance, profile_id AS profileId, result, detail FROM audit" +
      (where.length ? ` WHERE ${where.join(" AND ")}` : "") +
      " ORDER BY id DESC LIMIT ?";
    args.push(Math.min(Math.max(f.limit ?? 200, 1), 1000));
    return this.db.prepare(sql).all(...args) as AuditEntry[];
  }
}
