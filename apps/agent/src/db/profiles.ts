// Profiles with their full version history. The body is stored in the codec's JSON form
// (profileToJson), so bigints keep every bit. An update names the version it was based on;
// the compare-and-set runs inside one IMMEDIATE transaction, so two writers (in this
// process or another) can never both win: the loser learns the current version.
import { randomUUID } from "node:crypto";
import { parseProfile, profileToJson, type Profile } from "@tessera/core";
import type { Statement } from "better-sqlite3";
import { getMeta, setMeta, type Db } from "./database";

export interface ProfileVersion {
  version: number;
  name: string;
  profile: Profile;
  updatedAt: string;
  updatedBy: string;
}

export interface StoredProfile extends ProfileVersion {
  id: string;
  active: boolean;
}

export type UpdateResult =
  | { ok: true; record: StoredProfile }
  | { ok: false; reason: "not-found" }
  | { ok: false; reason: "stale"; current: StoredProfile };

interface VersionRow {
  version: number;
  name: string;
  body: string;
  updatedAt: string;
  updatedBy: string;
}

function decode(body: string): Profile {
  const r = parseProfile(JSON.parse(body));
  // Bodies were written by profileToJson of a parsed profile: failing here means corruption.
  if (!r.ok)
    throw new Error(`stored profile does not parse: ${r.errors[0]?.path} ${r.errors[0]?.message}`);
  return r.value;
}

export class ProfileStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  activeId(): string | null {
    return getMeta(this.db, "active_profile");
  }

  setActive(id: string | null): void {
    setMeta(this.db, "active_profile", id);
  }

  private fpStmt?: Statement<unknown[]>;

  /** The active profile's machineFingerprint (undefined: none active or none recorded). Hot path: one prepared query. */
  activeFingerprint(): string | undefined {
    this.fpStmt ??= this.db.prepare(
      `SELECT json_extract(v.body, '$.machineFingerprint') AS fp FROM meta m
       JOIN profiles p ON p.id = m.value JOIN profile_versions v ON v.profile_id = p.id AND v.version = p.version
       WHERE m.key = 'active_profile'`,
    );
    const row = this.fpStmt.get() as { fp: string | null } | undefined;
    return row?.fp ?? undefined;
  }

  list(): StoredProfile[] {
    const rows = this.db
      .prepare(
        `SELECT p.id AS id, v.version AS version, v.name AS name, v.body AS body, v.updated_at AS updatedAt, v.updated_by AS updatedBy
         FROM profiles p JOIN profile_versions v ON v.profile_id = p.id AND v.version = p.version ORDER BY v.name, p.id`,
      )
      .all() as (VersionRow & { id: string })[];
    const active = this.activeId();
    return rows.map((r) => this.toStored(r.id, r, active));
  }

  get(id: string): StoredProfile | undefined {
    const p = this.db.prepare("SELECT version FROM profiles WHERE id = ?").get(id) as
      { version: number } | undefined;
    if (!p) return undefined;
    const v = this.versionRow(id, p.version);
    return v && this.toStored(id, v, this.activeId());
  }

  version(id: string, version: number): ProfileVersion | undefined {
    const v = this.versionRow(id, version);
    return (
      v && {
        version: v.version,
        name: v.name,
        profile: decode(v.body),
        updatedAt: v.updatedAt,
        updatedBy: v.updatedBy,
      }
    );
  }

  versions(id: string): Omit<ProfileVersion, "profile">[] {
    return this.db
      .prepare(
        "SELECT version, name, updated_at AS updatedAt, updated_by AS updatedBy FROM profile_versions WHERE profile_id = ? ORDER BY version DESC",
      )
      .all(id) as Omit<ProfileVersion, "profile">[];
  }

  create(profile: Profile, by: string): StoredProfile {
    const id = randomUUID();
    const at = new Date(this.now()).toISOString();
    this.db
      .transaction(() => {
        this.db
          .prepare("INSERT INTO profiles(id, version, created_at) VALUES (?, 1, ?)")
          .run(id, at);
        this.insertVersion(id, 1, profile, at, by);
      })
      .immediate();
    return this.get(id)!;
  }

  update(id: string, baseVersion: number, profile: Profile, by: string): UpdateResult {
    const at = new Date(this.now()).toISOString();
    return this.db
      .transaction((): UpdateResult => {
        const row = this.db.prepare("SELECT version FROM profiles WHERE id = ?").get(id) as
          { version: number } | undefined;
        if (!row) return { ok: false, reason: "not-found" };
        if (row.version !== baseVersion)
          return { ok: false, reason: "stale", current: this.get(id)! };
        const next = row.version + 1;
        const r = this.db
          .prepare("UPDATE profiles SET version = ? WHERE id = ? AND version = ?")
          .run(next, id, baseVersion);
        if (r.changes !== 1) return { ok: false, reason: "stale", current: this.get(id)! };
        this.insertVersion(id, next, profile, at, by);
        return { ok: true, record: this.get(id)! };
      })
      .immediate();
  }

  remove(id: string): boolean {
    return this.db
      .transaction(() => {
        if (this.activeId() === id) this.setActive(null);
        return this.db.prepare("DELETE FROM profiles WHERE id = ?").run(id).changes === 1;
      })
      .immediate();
  }

  private insertVersion(
    id: string,
    version: number,
    profile: Profile,
    at: string,
    by: string,
  ): void {
    this.db
      .prepare(
        "INSERT INTO profile_versions(profile_id, version, name, body, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(id, version, profile.name, JSON.stringify(profileToJson(profile)), at, by);
  }

  private versionRow(id: string, version: number): VersionRow | undefined {
    return this.db
      .prepare(
        "SELECT version, name, body, updated_at AS updatedAt, updated_by AS updatedBy FROM profile_versions WHERE profile_id = ? AND version = ?",
      )
      .get(id, version) as VersionRow | undefined;
  }

  private toStored(id: string, v: VersionRow, active: string | null): StoredProfile {
    return {
      id,
      version: v.version,
      name: v.name,
      profile: decode(v.body),
      updatedAt: v.updatedAt,
      updatedBy: v.updatedBy,
      active: active === id,
    };
  }
}
