// One SQLite file in the data directory, in WAL mode, with numbered migrations tracked by
// PRAGMA user_version. better-sqlite3 is synchronous: a transaction is never interleaved
// with another in this process, and BEGIN IMMEDIATE (`.immediate()`) serialises writers of
// other processes (the `tessera user` CLI) through SQLite's lock. synchronous=FULL: a
// power cut leaves the last committed transaction.
import Database from "better-sqlite3";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export type Db = Database.Database;

const MIGRATIONS: string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('viewer','operator','admin')),
    hash TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE profiles (
    id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE profile_versions (
    profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (profile_id, version)
  );
  CREATE TABLE instances (
    name TEXT PRIMARY KEY,
    profile_id TEXT,
    profile_version INTEGER,
    state TEXT NOT NULL,
    reason TEXT,
    phase TEXT,
    since TEXT NOT NULL,
    token TEXT,
    last_heartbeat TEXT,
    stop_requested INTEGER NOT NULL DEFAULT 0,
    plan TEXT
  );
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    instance TEXT,
    profile_id TEXT,
    result TEXT NOT NULL,
    detail TEXT
  );
  CREATE INDEX audit_at ON audit(at);
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  `,
  // 2: each instance's current run: phases reached with their times, its log (instance-runs.ts).
  `
  CREATE TABLE instance_phases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    phase TEXT NOT NULL,
    at TEXT NOT NULL
  );
  CREATE INDEX instance_phases_name ON instance_phases(name, id);
  CREATE TABLE instance_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    epoch TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    stream TEXT NOT NULL,
    line TEXT NOT NULL
  );
  CREATE INDEX instance_log_name ON instance_log(name, id);
  `,
  // 3: a password someone else set (the printed one-time password, an admin's reset) must be
  // replaced by its user before the account can do anything (users.ts, plugins/auth.ts).
  // Accounts that existed before keep their passwords as they are.
  `
  ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * The database cannot be used as it is: damaged, or empty where the data dir shows it held
 * data. The message names the file and how to restore it; the agent never re-initialises
 * over it.
 */
export class DatabaseError extends Error {
  override name = "DatabaseError";
}

// Files in the data dir that only an agent that ran writes: beside them, an empty database
// is a lost one (a truncated file), not a fresh install.
const STATE_FILES = ["dry-run-state.json", "backups"];

export const BACKUP_DIR = "backups";

function restoreHint(file: string, dataDir: string): string {
  const backups = join(dataDir, BACKUP_DIR);
  const have = existsSync(backups)
    ? readdirSync(backups)
        .filter((f) => f.endsWith(".db"))
        .sort()
    : [];
  const from = have.length
    ? `the newest backup, ${join(backups, have[have.length - 1]!)}`
    : "your own backup of it";
  return `To restore: stop the agent, copy ${from} over ${file}, delete ${file}-wal and ${file}-shm if present, and start again. To start from nothing instead, move the whole data dir ${dataDir} aside.`;
}

function damaged(file: string, dataDir: string, why: string): DatabaseError {
  return new DatabaseError(
    `${file} is damaged (${why}); the agent did not start, so that nothing is written over it. ${restoreHint(file, dataDir)}`,
  );
}

/** Opens (creating if new) the database, checks it, backs it up before a migration. */
export function openDatabase(dataDir: string, now: () => number = Date.now): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, "tessera.db");
  // Before SQLite touches it: opening in WAL mode writes a header into an empty file.
  if (sizeOf(file) === 0 && !sizeOf(`${file}-wal`)) refuseIfRan(file, dataDir);
  let db: Db;
  try {
    db = new Database(file);
  } catch (err) {
    throw damaged(file, dataDir, (err as Error).message);
  }
  try {
    check(db, file, dataDir);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    migrate(db, join(dataDir, BACKUP_DIR), now);
  } catch (err) {
    db.close();
    if (err instanceof DatabaseError) throw err;
    const code = (err as { code?: string }).code;
    if (code === "SQLITE_CORRUPT" || code === "SQLITE_NOTADB")
      throw damaged(file, dataDir, (err as Error).message);
    throw err;
  }
  return db;
}

/**
 * At every start: PRAGMA quick_check (every page and index readable and consistent; linear
 * in the file's size), and an empty database beside the state of an agent that ran is
 * refused rather than taken for a fresh install.
 */
function check(db: Db, file: string, dataDir: string): void {
  const rows = db.pragma("quick_check") as { quick_check: string }[];
  const problems = rows.map((r) => r.quick_check).filter((r) => r !== "ok");
  if (problems.length) throw damaged(file, dataDir, problems.slice(0, 3).join("; "));
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number };
  if (tables.n === 0) refuseIfRan(file, dataDir);
}

function sizeOf(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}

/** An empty database is a fresh install only in a data dir no agent has run in. */
function refuseIfRan(file: string, dataDir: string): void {
  const left = STATE_FILES.filter((f) => existsSync(join(dataDir, f)));
  if (left.length)
    throw new DatabaseError(
      `${file} is empty, but ${dataDir} holds the state of an agent that ran (${left.join(", ")}): the database was truncated or replaced, and starting would lose users, profiles and the audit log. ${restoreHint(file, dataDir)}`,
    );
}

/**
 * Runs the pending migrations, each in its own transaction. A database that holds data is
 * first copied whole into `backupDir` (VACUUM INTO: a consistent copy, also of a WAL
 * database), named after its schema version and the time, so a failed or unwanted
 * migration can be undone by copying the file back.
 */
export function migrate(db: Db, backupDir?: string, now: () => number = Date.now): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new DatabaseError(
      `the database has schema ${current}, newer than this agent knows (${MIGRATIONS.length}): upgrade the agent`,
    );
  }
  if (current < MIGRATIONS.length && current > 0 && backupDir) {
    mkdirSync(backupDir, { recursive: true, mode: 0o700 });
    const stamp = new Date(now()).toISOString().replace(/[:.]/g, "-");
    db.prepare("VACUUM INTO ?").run(join(backupDir, `tessera-schema${current}-${stamp}.db`));
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}

export function getMeta(db: Db, key: string): string | null {
  const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as
    { value: string } | undefined;
  return row?.value ?? null;
}

export function setMeta(db: Db, key: string, value: string | null): void {
  if (value === null) db.prepare("DELETE FROM meta WHERE key = ?").run(key);
  else
    db.prepare(
      "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ).run(key, value);
}
