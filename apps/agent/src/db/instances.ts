// Persisted instance states. The lifecycle writes here before it announces anything, so
// after a crash the table says what the agent last knew about every instance.
import { INSTANCE_STATES, type InstanceState } from "@tessera/core";
import type { Db } from "./database";

// The states are core's: the console reads the same list.
export { INSTANCE_STATES };
export type { InstanceState };

export interface InstanceRow {
  name: string;
  profileId: string | null;
  profileVersion: number | null;
  state: InstanceState;
  reason: string | null;
  phase: string | null;
  since: string;
  token: string | null;
  lastHeartbeat: string | null;
  stopRequested: boolean;
  /** The SuccessorPlan (planToJson form) it was started with, JSON text. */
  plan: string | null;
}

const COLS =
  "name, profile_id AS profileId, profile_version AS profileVersion, state, reason, phase, since, token, last_heartbeat AS lastHeartbeat, stop_requested AS stopRequested, plan";

export class InstanceStore {
  constructor(private readonly db: Db) {}

  all(): InstanceRow[] {
    return (
      this.db.prepare(`SELECT ${COLS} FROM instances ORDER BY name`).all() as InstanceRow[]
    ).map(fix);
  }

  get(name: string): InstanceRow | undefined {
    const r = this.db.prepare(`SELECT ${COLS} FROM instances WHERE name = ?`).get(name) as
      InstanceRow | undefined;
    return r && fix(r);
  }

  put(row: InstanceRow): void {
    this.db
      .prepare(
        `INSERT INTO instances(name, profile_id, profile_version, state, reason, phase, since, token, last_heartbeat, stop_requested, plan)
         VALUES (@name, @profileId, @profileVersion, @state, @reason, @phase, @since, @token, @lastHeartbeat, @stopRequested, @plan)
         ON CONFLICT(name) DO UPDATE SET profile_id = excluded.profile_id, profile_version = excluded.profile_version,
           state = excluded.state, reason = excluded.reason, phase = excluded.phase, since = excluded.since,
           token = excluded.token, last_heartbeat = excluded.last_heartbeat, stop_requested = excluded.stop_requested,
           plan = excluded.plan`,
      )
      .run({ ...row, stopRequested: row.stopRequested ? 1 : 0 });
  }

  remove(name: string): void {
    this.db.prepare("DELETE FROM instances WHERE name = ?").run(name);
  }
}

function fix(r: InstanceRow): InstanceRow {
  return { ...r, stopRequested: Boolean(r.stopRequested) };
}
