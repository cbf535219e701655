// The persisted side of the instance lifecycle: views, locks and the one way a state
// changes. Contract: every transition is written to SQLite before it is published on the
// live hub, so what a client saw is never newer than what survives a crash.
import {
  conflictsWith,
  LOCKED_STATES,
  phaseOverdueText,
  type DeadlinedPhase,
  type Held,
  type PhaseDeadline,
  type PhaseDeadlines,
  type LogEvent,
  type LogStream,
  type Machine,
  type Profile,
} from "@tessera/core";
import type { Loader } from "@tessera/kexec";
import type { AuditLog } from "../db/audit";
import type { InstanceRow, InstanceState, InstanceStore } from "../db/instances";
import type { InstanceRunStore } from "../db/instance-runs";
import type { ProfileStore } from "../db/profiles";
import { AgentError } from "../errors";
import type { LiveHub } from "../live/hub";
import type { LiveFacts } from "./live-facts";
import type { FileAccess } from "./file-checks";
import { toView, type InstanceView } from "./view";

export interface ManagerDeps {
  instances: InstanceStore;
  /** Phases and log of each instance's current run (same database). */
  runs: InstanceRunStore;
  profiles: ProfileStore;
  audit: AuditLog;
  hub: LiveHub;
  loader: Loader;
  machine: () => Machine;
  live?: LiveFacts;
  /** Where kernel and initrd paths may be read (lifecycle/file-checks.ts). */
  files: FileAccess;
  now?: () => number;
  /** How long each start phase may take before it is announced overdue (0: never). */
  phaseDeadlines?: PhaseDeadlines;
  /** A running instance without a heartbeat for this long turns unresponsive; 0: never. */
  heartbeatTimeoutMs?: number;
  /** Passed to guests as tessera.controller=URL (read at each start: known after listen). */
  controllerUrl?: () => string | null | undefined;
  log?: { warn(obj: unknown, msg?: string): void; error(obj: unknown, msg?: string): void };
}

/** Loader steps in flight per instance (a start or a stop), cancelled by a force-stop. */
export type StepsInFlight = Map<string, AbortController>;

/** The states in which a phase is under way (a resting `loaded` waits for an operator). */
const UNDER_WAY: ReadonlySet<InstanceState> = new Set(["loading", "starting", "booting"]);

/** Who the audit log names for what the agent noticed by itself. */
export const AGENT_USER = "(agent)";

export class InstanceStateStore {
  readonly now: () => number;
  /** The deadline of each starting instance's current phase, with its timer. */
  private readonly deadlines = new Map<string, PhaseDeadline & { timer: NodeJS.Timeout }>();

  constructor(private readonly d: ManagerDeps) {
    this.now = d.now ?? Date.now;
  }

  close(): void {
    for (const w of this.deadlines.values()) clearTimeout(w.timer);
    this.deadlines.clear();
  }

  active(): { id: string; version: number; profile: Profile } | null {
    const id = this.d.profiles.activeId();
    const rec = id ? this.d.profiles.get(id) : undefined;
    return rec ? { id: rec.id, version: rec.version, profile: rec.profile } : null;
  }

  // ------------------------------------------------------------------ views and locks

  list(): { profileId: string | null; profileVersion: number | null; instances: InstanceView[] } {
    const act = this.active();
    const rows = new Map(this.d.instances.all().map((r) => [r.name, r]));
    const phases = this.d.runs.phases();
    const out: InstanceView[] = [];
    act?.profile.instances.forEach((inst, i) => {
      const row = i === 0 ? undefined : rows.get(inst.name);
      out.push(
        toView(
          inst.name,
          i + 1,
          inst.cpus,
          row,
          i === 0,
          phases.get(inst.name),
          this.deadlineOf(inst.name),
        ),
      );
      rows.delete(inst.name);
    });
    // Instances no longer in the active profile that may still run: never forgotten.
    for (const r of rows.values())
      if (LOCKED_STATES.has(r.state)) out.push(this.viewOf(r, phases.get(r.name)));
    return { profileId: act?.id ?? null, profileVersion: act?.version ?? null, instances: out };
  }

  view(name: string): InstanceView {
    const v = this.list().instances.find((i) => i.name === name);
    if (!v)
      throw new AgentError("INSTANCE-NOT-FOUND", {
        message: `The active profile has no instance ${JSON.stringify(name)}.`,
      });
    return v;
  }

  /**
   * The instance's run log after line id `since` (the newest `limit` lines), with the live
   * stream's position at the time of reading: every event up to `seq` of `epoch` that
   * carried a line is in it (lines are stored before they are sent; this runs in one
   * synchronous block), so a client appends only live lines after `seq`.
   */
  log(name: string, since = 0, limit?: number) {
    this.view(name); // 404 for a name the active profile does not know
    const { lines, more } = this.d.runs.lines(name, since, limit);
    return { name, epoch: this.d.hub.epoch, seq: this.d.hub.seq, lines, more };
  }

  viewOf(r: InstanceRow, phases?: { phase: string; at: string }[]): InstanceView {
    const inst = this.instanceOf(r);
    return toView(r.name, 0, inst?.cpus ?? [], r, false, phases, this.deadlineOf(r.name));
  }

  private deadlineOf(name: string): PhaseDeadline | null {
    const w = this.deadlines.get(name);
    return w ? { phase: w.phase, ms: w.ms, since: w.since, overdue: w.overdue } : null;
  }

  // ------------------------------------------------------------------ phase deadlines

  /**
   * After every transition: a phase under way gets its deadline's timer, started when the
   * phase began (a state change within the same phase, starting → booting, keeps it); any
   * other state drops it.
   */
  private watchPhase(name: string, row: InstanceRow): void {
    const cur = this.deadlines.get(name);
    const phase = row.phase;
    const ms = phase ? (this.d.phaseDeadlines?.[phase as DeadlinedPhase] ?? 0) : 0;
    if (UNDER_WAY.has(row.state) && phase && ms > 0) {
      if (cur?.phase === phase) return;
      if (cur) clearTimeout(cur.timer);
      const timer = setTimeout(() => this.overdue(name), ms);
      timer.unref();
      this.deadlines.set(name, { phase, ms, since: row.since, overdue: false, timer });
    } else if (cur) {
      clearTimeout(cur.timer);
      this.deadlines.delete(name);
    }
  }

  /**
   * A phase outlived its deadline: announced once (event, run log, audit). The agent stops
   * nothing: a slow boot that would have finished is worth more than a guess, and an
   * operator has force-stop.
   */
  private overdue(name: string): void {
    const w = this.deadlines.get(name);
    if (!w || w.overdue) return;
    w.overdue = true;
    const at = this.iso();
    const elapsedMs = Math.max(0, this.now() - Date.parse(w.since));
    const line = phaseOverdueText(name, w.phase, elapsedMs, w.ms);
    let instance: InstanceView;
    try {
      instance = this.view(name);
    } catch {
      return; // no longer in the active profile: nothing shows it
    }
    this.d.hub.publish(
      {
        type: "phase-overdue",
        at,
        name,
        phase: w.phase,
        deadlineMs: w.ms,
        elapsedMs,
        instance,
      },
      (seq) => this.storeLine(name, seq, at, "event", line),
    );
    this.audit(AGENT_USER, "instance.overdue", name, "overdue", line);
  }

  instanceOf(r: InstanceRow) {
    if (!r.profileId || r.profileVersion === null) return undefined;
    return this.d.profiles
      .version(r.profileId, r.profileVersion)
      ?.profile.instances.find((i) => i.name === r.name);
  }

  /** Instances that may be running, with the resources they were started with. */
  held(): Held[] {
    const out: Held[] = [];
    for (const r of this.d.instances.all()) {
      if (!LOCKED_STATES.has(r.state)) continue;
      const instance = this.instanceOf(r);
      if (instance) out.push({ name: r.name, instance });
    }
    return out;
  }

  anyLocked(): boolean {
    return this.d.instances.all().some((r) => LOCKED_STATES.has(r.state));
  }

  /** Refuses (409 RESOURCE-LOCKED) a new version of the active profile that takes held resources. */
  checkProfileChange(next: Profile): void {
    const diags = conflictsWith(this.held(), next);
    if (diags.length) throw new AgentError("RESOURCE-LOCKED", { diagnostics: diags });
  }

  /** After activation or an update of the active profile: one row per successor. */
  sync(): void {
    const act = this.active();
    const wanted = new Set(act?.profile.instances.slice(1).map((i) => i.name) ?? []);
    for (const r of this.d.instances.all()) {
      if (!wanted.has(r.name) && !LOCKED_STATES.has(r.state)) this.d.instances.remove(r.name);
    }
    for (const name of wanted) {
      const r = this.d.instances.get(name);
      if (!r) {
        this.d.instances.put({
          name,
          profileId: act!.id,
          profileVersion: act!.version,
          state: "defined",
          reason: null,
          phase: null,
          since: this.iso(),
          token: null,
          lastHeartbeat: null,
          stopRequested: false,
          plan: null,
        });
      } else if (!LOCKED_STATES.has(r.state)) {
        this.d.instances.put({ ...r, profileId: act!.id, profileVersion: act!.version });
      }
    }
  }

  // ------------------------------------------------------------------ transitions

  iso(): string {
    return new Date(this.now()).toISOString();
  }

  /**
   * Persist, then announce. The only way a state changes. The row and the phase reached go
   * in one transaction (a start into "loading" begins a new run: the last run's phases and
   * log go); the event's line in the instance's log is stored under the event's seq before
   * the event is sent.
   */
  transition(name: string, state: InstanceState, patch: Partial<InstanceRow> = {}): InstanceRow {
    const prev = this.d.instances.get(name);
    if (!prev) throw new Error(`no state row for ${name}`);
    const row: InstanceRow = { ...prev, reason: null, ...patch, state, since: this.iso() };
    const runs = this.d.runs;
    runs.atomically(() => {
      this.d.instances.put(row);
      if (state === "loading" && prev.state !== "loading") runs.clear(name);
      if (row.phase && row.phase !== prev.phase) runs.addPhase(name, row.phase, row.since);
    });
    if (!LOCKED_STATES.has(state)) this.d.hub.forgetHeartbeat(name);
    this.watchPhase(name, row);
    let view: InstanceView;
    try {
      view = this.view(name);
    } catch {
      view = this.viewOf(row);
    }
    const line = transitionLine(prev.state, state, row.phase, row.reason);
    this.d.hub.publish(
      {
        type: "instance",
        at: row.since,
        name,
        state,
        previous: prev.state,
        reason: row.reason,
        phase: row.phase,
        instance: view,
      },
      (seq) => this.storeLine(name, seq, row.since, "event", line),
    );
    return row;
  }

  /**
   * A loader log line: stored in the instance's run log, then sent as a `log` event. The
   * guest's per-boot token (on the command line the loader echoes) is masked first: every
   * viewer reads the log, and the token would let them report as that guest.
   */
  logLine(name: string, stream: LogEvent["stream"], raw: string, at: string): void {
    const line = raw.replace(/(tessera\.token=)\S+/g, "$1…");
    this.d.hub.publish({ type: "log", at, name, stream, line }, (seq) =>
      this.storeLine(name, seq, at, stream, line),
    );
  }

  private storeLine(name: string, seq: number, at: string, stream: LogStream, line: string): void {
    this.d.runs.addLine(name, { epoch: this.d.hub.epoch, seq, at, stream, line });
  }

  audit(user: string, action: string, name: string, result: string, detail?: string): void {
    this.d.audit.record({
      user,
      action,
      instance: name,
      target: name,
      profileId: this.d.profiles.activeId(),
      result,
      detail: detail ?? null,
    });
  }
}

/** How a state change reads in an instance's log (the web console writes live ones the same way). */
export function transitionLine(
  previous: InstanceState,
  state: InstanceState,
  phase: string | null,
  reason: string | null,
): string {
  return `${previous} → ${state}${phase ? ` (${phase})` : ""}${reason ? `: ${reason}` : ""}`;
}
