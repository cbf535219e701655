// The run view's slice: what the agent says about the active profile's instances, a phase
// timeline per instance built from the live `instance` events, the loader log lines, and
// the actions in flight. Contract: only the module-level functions in run/run-actions.ts and
// the live controller (store/live.ts) call these setters; views select single fields.
import type { StateCreator } from "zustand";
import {
  BOOT_PHASES,
  phaseOverdueText,
  type InstanceState,
  type InstanceView,
} from "@tessera/core";
import type { State } from "../store/types";
import type { LogLine, PhaseMark, RunSlice } from "./run-types";

/** The loader's boot phases in order. */
export const PHASES = BOOT_PHASES;

/** Lines kept per instance: enough for a start's whole log, bounded for a long session. */
export const LOG_LIMIT = 500;

/** Keys for log lines the console writes itself (negative: never a server seq). */
let syntheticSeq = 0;

// A start out of one of these begins a new run (a queued one had none yet).
const IDLE: ReadonlySet<InstanceState> = new Set([
  "defined",
  "queued",
  "stopped",
  "failed",
  "unknown",
]);

function byIndex(list: InstanceView[]): string[] {
  return [...list].sort((a, b) => a.index - b.index).map((i) => i.name);
}

/**
 * The timeline the agent recorded (InstanceView.phases): the boot phases reached with their
 * times; the one a failed run stopped at is marked. Null when the agent sent no history.
 */
function recordedTimeline(v: InstanceView): PhaseMark[] | null {
  if (!v.phases) return null;
  if (v.role === "os1" || v.state === "stopped" || v.state === "defined") return [];
  // Every boot phase up to the furthest one known was passed; one the agent did not record
  // (an agent restart in between) is reached at an unknown time.
  const at = new Map<string, string>();
  for (const p of v.phases) if (!at.has(p.phase)) at.set(p.phase, p.at);
  const known = [...at.keys(), v.phase ?? ""].map((p) =>
    PHASES.indexOf(p as (typeof PHASES)[number]),
  );
  const marks: PhaseMark[] = PHASES.slice(0, Math.max(...known) + 1).map((p) => ({
    phase: p,
    at: at.get(p) ?? null,
  }));
  if (v.state === "failed") {
    const where = v.phase ?? marks[marks.length - 1]?.phase;
    const hit = marks.find((m) => m.phase === where);
    if (hit) hit.failed = true;
    else if (where) marks.push({ phase: where, at: v.since, failed: true });
  }
  return marks;
}

/** Phases up to and including `phase`, without times: what a snapshot tells us. */
function impliedTimeline(v: InstanceView): PhaseMark[] {
  const i = v.phase ? PHASES.indexOf(v.phase as (typeof PHASES)[number]) : -1;
  if (v.role === "os1" || i < 0 || v.state === "stopped" || v.state === "defined") return [];
  return PHASES.slice(0, i + 1).map((p) => ({
    phase: p,
    at: null,
    ...(v.state === "failed" && p === v.phase ? { failed: true } : {}),
  }));
}

export const createRunSlice: StateCreator<State, [], [], RunSlice> = (set, get) => ({
  runInstances: {},
  runOrder: [],
  runProfile: { id: null, version: null, name: null },
  runLoader: null,
  runStandIn: null,
  runKernels: {},
  runTimelines: {},
  runLogs: {},
  runLastEventAt: null,
  runEpoch: null,
  runHeartbeats: {},
  runPending: {},
  runErrors: {},
  runSnapshot(msg) {
    get().runSetInstances(msg.instances, {
      id: msg.profile?.id ?? null,
      version: msg.profile?.version ?? null,
    });
    set({
      runLoader: msg.loader?.kind ?? get().runLoader,
      runProfile: {
        id: msg.profile?.id ?? null,
        version: msg.profile?.version ?? null,
        name: msg.profile?.name ?? null,
      },
      runLastEventAt: new Date().toISOString(),
      runEpoch: msg.epoch ?? get().runEpoch,
    });
  },
  runSetInstances(list, profile) {
    const prev = get().runTimelines;
    const known = get().runInstances;
    const timelines: Record<string, PhaseMark[]> = {};
    const instances: Record<string, InstanceView> = {};
    let logs = get().runLogs;
    for (const incoming of list) {
      const was = known[incoming.name];
      // A read that raced a live event must not step the instance back in time.
      const v = was?.since && incoming.since && was.since > incoming.since ? was : incoming;
      instances[v.name] = v;
      // Keep what we watched live when it still agrees with the agent's phase, and the
      // times we saw for phases the agent still says were reached.
      const old = prev[v.name] ?? [];
      const seen = new Map(old.map((m) => [m.phase, m]));
      const recorded = recordedTimeline(v);
      timelines[v.name] = recorded
        ? recorded.map((m) => (m.at === null ? { ...m, at: seen.get(m.phase)?.at ?? null } : m))
        : old.length && old[old.length - 1]?.phase === v.phase && v.state !== "stopped"
          ? old
          : impliedTimeline(v).map((m) => ({ ...m, at: seen.get(m.phase)?.at ?? null }));
      // A state that changed while we were not listening (agent restart, reconnect) is
      // written into the log too, so the story has no gap.
      if (was && was.state !== v.state) {
        const line = `${was.state} → ${v.state}${v.reason ? `: ${v.reason}` : ""}`;
        const entry = {
          seq: --syntheticSeq,
          at: v.since ?? new Date().toISOString(),
          stream: "event",
          line,
        };
        logs = { ...logs, [v.name]: [...(logs[v.name] ?? []), entry].slice(-LOG_LIMIT) };
      }
    }
    set({
      runInstances: instances,
      runOrder: byIndex(list),
      runTimelines: timelines,
      runLogs: logs,
      ...(profile ? { runProfile: { ...get().runProfile, ...profile } } : {}),
    });
  },
  runInstanceEvent(msg) {
    const s = get();
    const v = msg.instance ?? {
      ...s.runInstances[msg.name],
      state: msg.state,
      reason: msg.reason,
      phase: msg.phase,
    };
    let marks = s.runTimelines[msg.name] ?? [];
    // A new start (the agent's first step of every start is "loading") begins a new
    // timeline and a new log; a force-stop of an unknown instance keeps the old ones.
    const fresh = IDLE.has(msg.previous) && msg.state === "loading";
    let logs = s.runLogs;
    if (fresh) {
      marks = [];
      logs = { ...logs, [msg.name]: (logs[msg.name] ?? []).filter((l) => l.at >= msg.at) };
    }
    if (msg.state === "failed") {
      const at = msg.phase ?? marks[marks.length - 1]?.phase ?? "start";
      marks = [...marks.filter((m) => m.phase !== at), { phase: at, at: msg.at, failed: true }];
    } else if (msg.phase && PHASES.includes(msg.phase as (typeof PHASES)[number])) {
      if (!marks.some((m) => m.phase === msg.phase))
        marks = [...marks, { phase: msg.phase, at: msg.at }];
    }
    if (msg.state === "stopped" || msg.state === "defined") marks = [];
    // The agent's own record, when it sends one, is the truth (times included).
    marks = (msg.instance && recordedTimeline(msg.instance)) ?? marks;
    // State changes go into the same log as the loader's lines, marked as events, so the
    // log reads as one story (the dry-run loader itself prints little).
    const what = `${msg.previous} → ${msg.state}${msg.phase ? ` (${msg.phase})` : ""}${msg.reason ? `: ${msg.reason}` : ""}`;
    const epoch = s.runEpoch ?? undefined;
    const withEvent = [
      ...(logs[msg.name] ?? []),
      { seq: msg.seq, epoch, at: msg.at, stream: "event", line: what },
    ];
    logs = {
      ...logs,
      [msg.name]: withEvent.length > LOG_LIMIT ? withEvent.slice(-LOG_LIMIT) : withEvent,
    };
    const order = s.runOrder.includes(msg.name)
      ? s.runOrder
      : byIndex([...Object.values(s.runInstances), v as InstanceView]);
    const errors = { ...s.runErrors };
    if (fresh) delete errors[msg.name];
    let beats = s.runHeartbeats;
    if (fresh && beats[msg.name]) {
      beats = { ...beats };
      delete beats[msg.name];
    }
    set({
      runInstances: { ...s.runInstances, [msg.name]: v as InstanceView },
      runOrder: order,
      runTimelines: { ...s.runTimelines, [msg.name]: marks },
      runLogs: logs,
      runErrors: errors,
      runHeartbeats: beats,
      runLastEventAt: msg.at,
    });
  },
  runLog(msg) {
    const s = get();
    const old = s.runLogs[msg.name] ?? [];
    const epoch = s.runEpoch ?? undefined;
    const next = [...old, { seq: msg.seq, epoch, at: msg.at, stream: msg.stream, line: msg.line }];
    set({
      runLogs: {
        ...s.runLogs,
        [msg.name]: next.length > LOG_LIMIT ? next.slice(-LOG_LIMIT) : next,
      },
      runLastEventAt: msg.at,
    });
  },
  runOverdue(msg) {
    const s = get();
    const line = phaseOverdueText(msg.name, msg.phase, msg.elapsedMs, msg.deadlineMs);
    const next = [
      ...(s.runLogs[msg.name] ?? []),
      { seq: msg.seq, epoch: s.runEpoch ?? undefined, at: msg.at, stream: "event", line },
    ];
    set({
      runInstances: { ...s.runInstances, [msg.name]: msg.instance },
      runLogs: {
        ...s.runLogs,
        [msg.name]: next.length > LOG_LIMIT ? next.slice(-LOG_LIMIT) : next,
      },
      runLastEventAt: msg.at,
    });
  },
  runLogLoaded(name, reply) {
    const stored: LogLine[] = reply.lines.map((l) => ({
      seq: l.seq,
      epoch: l.epoch,
      at: l.at,
      stream: l.stream,
      line: l.line,
    }));
    const have = new Set(stored.map((l) => `${l.epoch}:${l.seq}`));
    // Live lines announced after the agent read its log are not in the reply: keep them.
    // Everything else (older live lines, lines the console wrote itself) the reply holds.
    const later = (get().runLogs[name] ?? []).filter(
      (l) => l.epoch === reply.epoch && l.seq > reply.seq && !have.has(`${l.epoch}:${l.seq}`),
    );
    const merged = [...stored, ...later];
    set({
      runLogs: {
        ...get().runLogs,
        [name]: merged.length > LOG_LIMIT ? merged.slice(-LOG_LIMIT) : merged,
      },
    });
  },
  runHeartbeat(at) {
    set({ runLastEventAt: at });
  },
  runGuestHeartbeat(name, at) {
    const s = get();
    const cur = s.runHeartbeats[name];
    if (cur && cur >= at) return;
    set({ runHeartbeats: { ...s.runHeartbeats, [name]: at }, runLastEventAt: at });
  },
  runSetLoader(runLoader) {
    set({ runLoader });
  },
  runSetStandIn(runStandIn) {
    set({ runStandIn });
  },
  runSetKernels(runKernels) {
    set({ runKernels });
  },
  runSetPending(name, action) {
    const next = { ...get().runPending };
    if (action) next[name] = action;
    else delete next[name];
    set({ runPending: next });
  },
  runSetError(name, error) {
    const next = { ...get().runErrors };
    if (error) next[name] = error;
    else delete next[name];
    set({ runErrors: next });
  },
});
