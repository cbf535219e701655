// Users and sessions. Session ids are stored hashed (sha256), so a copy of the database
// does not hand out live sessions.
import { createHash } from "node:crypto";
import type { Db } from "./database";
import { randomToken } from "../auth/password";

import type { Role, UserView } from "@tessera/core";

// Roles are core's wire names (viewer < operator < admin).
export { ROLES, roleAtLeast } from "@tessera/core";
export type { Role };

/** A user as listed: core's wire type. */
export type UserRow = UserView;

export interface Session {
  user: string;
  role: Role;
  csrf: string;
  expiresAt: number;
  /** The user's password was set by someone else: only choosing a new one is allowed. */
  mustChangePassword: boolean;
}

function hashId(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export class UserStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  list(): UserRow[] {
    const rows = this.db
      .prepare(
        "SELECT name, role, created_at AS createdAt, must_change_password AS must FROM users ORDER BY name",
      )
      .all() as (UserRow & { must: number })[];
    return rows.map(({ must, ...u }) => ({ ...u, mustChangePassword: must === 1 }));
  }

  get(name: string): (UserRow & { hash: string; mustChangePassword: boolean }) | undefined {
    const row = this.db
      .prepare(
        "SELECT name, role, hash, created_at AS createdAt, must_change_password AS must FROM users WHERE name = ?",
      )
      .get(name) as (UserRow & { hash: string; must: number }) | undefined;
    if (!row) return undefined;
    const { must, ...rest } = row;
    return { ...rest, mustChangePassword: must === 1 };
  }

  count(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM users").get() as { n: number }).n;
  }

  /**
   * Returns false when the name is taken. `mustChange`: the password was chosen by someone
   * else, and the user has to replace it at sign-in.
   */
  add(name: string, role: Role, hash: string, mustChange = false): boolean {
    const r = this.db
      .prepare(
        "INSERT INTO users(name, role, hash, created_at, must_change_password) VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO NOTHING",
      )
      .run(name, role, hash, new Date(this.now()).toISOString(), mustChange ? 1 : 0);
    return r.changes === 1;
  }

  /**
   * Changes role and/or hash (a new hash says in `mustChange` whether its user has to replace
   * it). "last-admin" when it would leave no admin.
   */
  update(
    name: string,
    change: { role?: Role; hash?: string; mustChange?: boolean },
  ): "ok" | "not-found" | "last-admin" {
    return this.db
      .transaction((): "ok" | "not-found" | "last-admin" => {
        const u = this.get(name);
        if (!u) return "not-found";
        if (change.role && change.role !== "admin" && u.role === "admin" && this.admins() <= 1)
          return "last-admin";
        if (change.role)
          this.db.prepare("UPDATE users SET role = ? WHERE name = ?").run(change.role, name);
        if (change.hash) {
          this.db
            .prepare("UPDATE users SET hash = ?, must_change_password = ? WHERE name = ?")
            .run(change.hash, change.mustChange ? 1 : 0, name);
          // A new password ends every session of that user.
          this.db.prepare("DELETE FROM sessions WHERE user = ?").run(name);
        }
        return "ok";
      })
      .immediate();
  }

  /**
   * The user chose a new password themselves: stored, the must-change mark cleared, and
   * every other session of theirs ended (the one they changed it in stays).
   */
  setOwnPassword(name: string, hash: string, keepToken: string): void {
    this.db
      .transaction(() => {
        this.db
          .prepare("UPDATE users SET hash = ?, must_change_password = 0 WHERE name = ?")
          .run(hash, name);
        this.db
          .prepare("DELETE FROM sessions WHERE user = ? AND id <> ?")
          .run(name, hashId(keepToken));
      })
      .immediate();
  }

  remove(name: string): "ok" | "not-found" | "last-admin" {
    return this.db
      .transaction((): "ok" | "not-found" | "last-admin" => {
        const u = this.get(name);
        if (!u) return "not-found";
        if (u.role === "admin" && this.admins() <= 1) return "last-admin";
        this.db.prepare("DELETE FROM users WHERE name = ?").run(name);
        return "ok";
      })
      .immediate();
  }

  private admins(): number {
    return (
      this.db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin'").get() as { n: number }
    ).n;
  }

  createSession(user: string, ttlMs: number): { token: string; csrf: string } {
    const token = randomToken();
    const csrf = randomToken();
    const now = this.now();
    this.db.prepare("DELETE FROM sessions WHERE expires_at < ?").run(now);
    this.db
      .prepare(
        "INSERT INTO sessions(id, user, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
      )
      .run(hashId(token), user, csrf, now, now + ttlMs);
    return { token, csrf };
  }

  // Runs on every request: prepared once.
  private sessionStmt?: ReturnType<Db["prepare"]>;

  session(token: string): Session | undefined {
    this.sessionStmt ??= this.db.prepare(
      "SELECT s.user AS user, u.role AS role, s.csrf AS csrf, s.expires_at AS expiresAt, u.must_change_password AS must FROM sessions s JOIN users u ON u.name = s.user WHERE s.id = ?",
    );
    const row = this.sessionStmt.get(hashId(token)) as
      (Omit<Session, "mustChangePassword"> & { must: number }) | undefined;
    if (!row || row.expiresAt < this.now()) return undefined;
    const { must, ...rest } = row;
    return { ...rest, mustChangePassword: must === 1 };
  }

  endSession(token: string): void {
    this.db.prepare("DELETE FROM sessions WHERE id = ?").run(hashId(token));
  }
}
