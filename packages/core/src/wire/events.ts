// The live stream `tessera/ws@1` (apps/agent/API.md "WebSocket"): every message either way is
// a member of a union tagged by `type`. The agent's hub publishes only `LiveEvent`s, the
// console applies only `ServerMessage`s; both are these types, so a new field or event is
// added here once and the compiler finds every place that has to know.
import type { InstanceState, InstanceView } from "./instances";

/** The protocol's name and version, carried in the snapshot. */
export const WS_PROTOCOL = "tessera/ws@1";
/**
 * The same version as a WebSocket subprotocol: RFC 6455 subprotocols are tokens, which may
 * not contain "/" or "@" (browsers throw a SyntaxError), hence a second spelling.
 */
export const WS_SUBPROTOCOL = "tessera.ws.v1";

/** Close codes the agent uses, and what a client should do on each. */
export const WS_CLOSE = {
  /** The session ended (logout, expiry, password change): sign in again, then reconnect. */
  sessionEnded: 4401,
  /**
   * The session's user must choose a new password first (403 PASSWORD-CHANGE-REQUIRED over
   * HTTP): change it (POST /api/session/password), then reconnect.
   */
  passwordChangeRequired: 4403,
  /** The client did not offer WS_SUBPROTOCOL: reconnecting the same way cannot help. */
  version: 4406,
  /** The client read too slowly and was cut off: reconnect and resume from its seq. */
  tooSlow: 4408,
} as const;

/** What happened to a profile; the console reloads its list on each and reacts to some. */
export const PROFILE_ACTIONS = ["created", "updated", "deleted", "activated"] as const;
export type ProfileAction = (typeof PROFILE_ACTIONS)[number];

/** Where a run log line came from: the loader's streams, or the agent's own `event` lines. */
export const LOG_STREAMS = ["stdout", "stderr", "loader", "event"] as const;
export type LogStream = (typeof LOG_STREAMS)[number];

/** An instance changed state; `instance` is its whole view after the change. */
export type InstanceEvent = {
  type: "instance";
  at: string;
  name: string;
  state: InstanceState;
  previous: InstanceState;
  reason: string | null;
  phase: string | null;
  instance: InstanceView;
};

/**
 * One loader line of an instance's run log (already stored under the event's seq). The
 * agent's own `event` lines are not sent as log events: clients see the instance event.
 */
export type LogEvent = {
  type: "log";
  at: string;
  name: string;
  stream: Exclude<LogStream, "event">;
  line: string;
};

/** An operator created, changed, deleted or activated a profile. */
export type ProfileEvent = {
  type: "profile";
  at: string;
  action: ProfileAction;
  id: string;
  name: string;
  version: number;
  /** The user who did it. */
  by: string;
};

/**
 * A starting instance has been in one phase longer than that phase's deadline: it looks
 * stuck. Sent once per phase of a run; the agent stops nothing by itself (an operator
 * decides, with force-stop). Its log line is stored under the event's seq.
 */
export type PhaseOverdueEvent = {
  type: "phase-overdue";
  at: string;
  name: string;
  phase: string;
  deadlineMs: number;
  /** How long the phase had taken when the agent noticed (ms). */
  elapsedMs: number;
  instance: InstanceView;
};

/** A rescan found other hardware: clients reload the machine. */
export type MachineEvent = {
  type: "machine";
  at: string;
  fingerprint: string;
};

/** What the hub numbers, keeps for resumes and sends to every client. */
export type LiveEvent = InstanceEvent | LogEvent | PhaseOverdueEvent | ProfileEvent | MachineEvent;
/** A live event as it is sent: with its sequence number in this agent run. */
export type Sequenced<E extends LiveEvent = LiveEvent> = E & { seq: number };

/** The agent's keep-alive; `seq` is the latest number, so a client can see it missed none. */
export type HeartbeatMessage = {
  type: "heartbeat";
  at: string;
  seq: number;
};

/** A guest's report that it is alive: outside the sequence (no seq, never replayed in full). */
export type GuestHeartbeatMessage = {
  type: "guest-heartbeat";
  at: string;
  name: string;
};

/** The first message of a connection that does not resume: the state as it is now. */
export type SnapshotMessage = {
  type: "snapshot";
  protocol: typeof WS_PROTOCOL;
  epoch: string;
  seq: number;
  instances: InstanceView[];
  profile: { id: string; version: number; name: string } | null;
  loader: { kind: string };
};

/** The first message of a resumed connection: events from..to follow, then heartbeats. */
export type ResumedMessage = {
  type: "resumed";
  epoch: string;
  from: number;
  to: number;
};

/** The connection is refused (then closed with one of WS_CLOSE). */
export type ErrorMessage = {
  type: "error";
  code: string;
  message: string;
};

/** Everything the agent sends on the socket. */
export type ServerMessage =
  | SnapshotMessage
  | ResumedMessage
  | Sequenced
  | HeartbeatMessage
  | GuestHeartbeatMessage
  | ErrorMessage;

/** Everything a client may send: a ping, answered by a heartbeat. */
export type ClientMessage = { type: "ping" };
