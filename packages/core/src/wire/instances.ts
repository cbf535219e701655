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

/** An instance's lifecycle as the agent persists and announces it. */
export const INSTANCE_STATES = [
  "defined",
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
