// The story of each instance's current (or last) run: the boot phases it reached, with
// their times, and the last LOG_KEEP lines of its loader log and state changes. A new start
// clears both. The lifecycle writes here in the same transaction as the state row, before it
// announces anything, so a reloaded console reads what a live one saw.
import type { Db } from "./database";
import { RUN_LOG_KEEP, type PhaseEntry } from "@tessera/core";

/** Log lines kept per instance (API.md `GET /api/instances/:name/log`). */
export const LOG_KEEP = RUN_LOG_KEEP;

export type { PhaseEntry };

export interface LogEntry {
  /** Grows across agent runs: the `since` cursor of the log route. */
  id: number;
  /** The live stream's epoch and seq the line was announced with (dedupe key for clients). */
  epoch: string;
  seq: number;
  at: string;
  stream: string;
  line: string;
}

export class InstanceRunStore {
  constructor(private readonly db: Db) {}

  /** Runs `fn` in one transaction (nested calls become savepoints). */
  atomically<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** A new run of `name` begins: forget the previous run's phases and log. */
  clear(name: string): void {
    this.db.prepare("DELETE FROM instance_phases WHERE name = ?").run(name);
    this.db.prepare("DELETE FROM instance_log WHERE name = ?").run(name);
  }

  addPhase(name: string, phase: string, at: string): void {
    this.db
      .prepare("INSERT INTO instance_phases(name, phase, at) VALUES (?, ?, ?)")
      .run(name, phase, at);
  }

  /** Every instance's phases, oldest first. */
  phases(): Map<string, PhaseEntry[]> {
    const rows = this.db
      .prepare("SELECT name, phase, at FROM instance_phases ORDER BY id")
      .all() as (PhaseEntry & { name: string })[];
    const out = new Map<string, PhaseEntry[]>();
    for (const r of rows) {
      const list = out.get(r.name) ?? [];
      list.push({ phase: r.phase, at: r.at });
      out.set(r.name, list);
    }
    return out;
  }

  /** Appends a line and drops what lies beyond the last LOG_KEEP lines of that instance. */
  addLine(name: string, e: Omit<LogEntry, "id">): void {
    this.db
      .prepare(
        "INSERT INTO instance_log(name, epoch, seq, at, stream, line) VALUES (?, ?, ?, ?, ?, ?)",
      )
      .run(name, e.epoch, e.seq, e.at, e.stream, e.line);
    const edge = this.db
      .prepare("SELECT id FROM instance_log WHERE name = ? ORDER BY id DESC LIMIT 1 OFFSET ?")
      .get(name, LOG_KEEP) as { id: number } | undefined;
    if (edge)
      this.db.prepare("DELETE FROM instance_log WHERE name = ? AND id <= ?").run(name, edge.id);
  }

  /** Lines after id `since`, oldest first: the newest `limit` of them; `more` when some were left out. */
  lines(name: string, since = 0, limit = LOG_KEEP): { lines: LogEntry[]; more: boolean } {
    const rows = this.db
      .prepare(
        "SELECT id, epoch, seq, at, stream, line FROM instance_log WHERE name = ? AND id > ? ORDER BY id DESC LIMIT ?",
      )
      .all(name, since, limit + 1) as LogEntry[];
    const more = rows.length > limit;
    return { lines: rows.slice(0, limit).reverse(), more };
  }
}
