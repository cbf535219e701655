// Names the agent and the console share about instances: states, boot phases and the
// instance view (apps/agent/API.md). One definition, so the two can never drift apart.

/** A successor's boot phases, in the order every loader walks them. */
export const BOOT_PHASES = [
  "loading-image",
  "purgatory",
  "ipi-sent",
  "kernel-booting",
  "userspace-up",
  "running",
] as const;
export type BootPhase = (typeof BOOT_PHASES)[number];

/** The phases a start can hang in: every boot phase but the last (`running` has no end). */
export const DEADLINED_PHASES = [
  "loading-image",
  "purgatory",
  "ipi-sent",
  "kernel-booting",
  "userspace-up",
] as const satisfies readonly BootPhase[];
export type DeadlinedPhase = (typeof DEADLINED_PHASES)[number];

/** How long each phase may take before the agent says the start looks stuck; 0: no deadline. */
export type PhaseDeadlines = Record<DeadlinedPhase, number>;

/**
 * The agent's default deadlines in ms (apps/agent/README.md "Phase deadlines" says why each).
 * Generous on purpose: a deadline that fires on a healthy boot teaches people to ignore it.
 */
export const DEFAULT_PHASE_DEADLINES_MS: PhaseDeadlines = {
  // Reading kernel and initrd from disk into the successor's memory: a 500 MiB initrd from a
  // slow disk takes tens of seconds.
  "loading-image": 60_000,
  // Purgatory, e820 map and start page: in-memory work of well under a second.
  purgatory: 15_000,
  // INIT-SIPI-SIPI and the core's jump out of the trampoline: microseconds.
  "ipi-sent": 10_000,
  // Kernel start to init: seconds on hardware; many cores or big memory add tens.
  "kernel-booting": 60_000,
  // init to the guest's boot-complete report: services, network for the HTTP report.
  "userspace-up": 60_000,
};

/** A duration as people read it on a card: "2.5 s" below ten seconds, "45 s" above. */
export function secondsText(ms: number): string {
  return ms < 10_000 ? `${(Math.max(0, ms) / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** How an overdue phase reads: the agent's run log and audit log, and the console, alike. */
export function phaseOverdueText(
  name: string,
  phase: string,
  elapsedMs: number,
  deadlineMs: number,
): string {
  return `${name} looks stuck: ${phase} has taken ${secondsText(elapsedMs)}, more than its ${secondsText(deadlineMs)} deadline. Force-stop it if it does not move on.`;
}

/** An instance's lifecycle as the agent persists and announces it. */
export const INSTANCE_STATES = [
  "defined",
  // Waiting for another instance's start to end (loaders do one at a time): holds nothing.
  "queued",
  "loading",
  "loaded",
  "starting",
  "booting",
  "running",
  "stopping",
  "stopped",
  "failed",
  "unresponsive",
  "unknown",
] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

/** A phase of the current (or last) run and when it was reached (ISO time). */
export type PhaseEntry = {
  phase: string;
  at: string;
};

/**
 * The deadline of the phase an instance is in while it starts (loading, starting or booting):
 * `since` is when the phase began (the agent's clock), `overdue` that the agent found it past
 * `ms` and sent `phase-overdue`.
 */
export type PhaseDeadline = {
  phase: string;
  ms: number;
  since: string;
  overdue: boolean;
};

/** What GET /api/instances, the WebSocket snapshot and `instance` events carry per instance. */
export type InstanceView = {
  name: string;
  /** 1-based position in the active profile (OS1 is 1). */
  index: number;
  role: "os1" | "successor";
  state: InstanceState;
  reason: string | null;
  since: string | null;
  phase: string | null;
  cpus: number[];
  locked: boolean;
  lastHeartbeat: string | null;
  profileVersion: number | null;
  /** Phases of the current (or last) run with the time each was reached, oldest first. */
  phases: PhaseEntry[];
  /** The current phase's deadline while the instance starts; null otherwise or without one. */
  deadline: PhaseDeadline | null;
};

/** One audit log entry as GET /api/audit returns it (the log is append-only). */
export type AuditEntry = {
  id: number;
  /** ISO time. */
  at: string;
  user: string;
  action: string;
  target: string | null;
  instance: string | null;
  profileId: string | null;
  result: string;
  detail: string | null;
};

/**
 * States in which an instance may hold its cores, memory and devices (InstanceView's
 * `locked`): a profile change may not take them, and a start may not use them.
 */
export const LOCKED_STATES: ReadonlySet<InstanceState> = new Set<InstanceState>([
  "loading",
  "loaded",
  "starting",
  "booting",
  "running",
  "stopping",
  "unresponsive",
  "unknown",
]);
