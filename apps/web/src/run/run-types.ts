// The run slice's fields and what they hold. Contract: only the module-level functions in
// run/run-actions.ts and the live controller (store/live.ts) call its setters.
import type { AgentSettings, InstanceState, InstanceView } from "@tessera/core";
import type {
  InstanceEvent,
  LogEvent,
  PhaseOverdueEvent,
  Sequenced,
  SnapshotMessage,
} from "@tessera/core";
import type { LogReply } from "../api/instances";

// The wire names are core's (apps/agent/API.md "InstanceView"): one list for agent and console.
export type { InstanceState, InstanceView };

export interface PhaseMark {
  phase: string;
  /** ISO time the agent reported the phase; null when it was reached before we watched. */
  at: string | null;
  failed?: boolean;
}

export interface LogLine {
  /** The live stream's seq (negative: written by the console itself). */
  seq: number;
  /** The agent run (`epoch`) the seq belongs to; (epoch, seq) identifies a line. */
  epoch?: string;
  at: string;
  stream: string;
  line: string;
}

/** A refused or failed action, in words, shown where the action was. */
export interface RunError {
  text: string;
  hint?: string;
  code?: string;
  diagnostics?: { code: string; severity: string; message: string; hint?: string }[];
}

export type RunAction = "start" | "stop" | "force-stop" | "start-all";

export interface RunSlice {
  runInstances: Record<string, InstanceView>;
  /** Instance names in profile order. */
  runOrder: string[];
  runProfile: { id: string | null; version: number | null; name: string | null };
  runLoader: string | null;
  /** The demo's stand-in kernel (GET /api/settings), marked wherever a kernel is shown. */
  runStandIn: AgentSettings["standInKernel"];
  /** Each instance's kernel path in the active profile (its version `runProfile.version`). */
  runKernels: Record<string, string | null>;
  runTimelines: Record<string, PhaseMark[]>;
  runLogs: Record<string, LogLine[]>;
  /** When the agent last said anything on the live stream (its 15 s heartbeat included). */
  runLastEventAt: string | null;
  /** The agent run the live stream belongs to (from the snapshot). */
  runEpoch: string | null;
  /** The latest guest heartbeat per instance, from `guest-heartbeat` events. */
  runHeartbeats: Record<string, string>;
  runPending: Record<string, RunAction>;
  runErrors: Record<string, RunError>;
  runSnapshot(msg: SnapshotMessage): void;
  runSetInstances(
    list: InstanceView[],
    profile?: { id: string | null; version: number | null },
  ): void;
  runInstanceEvent(msg: Sequenced<InstanceEvent>): void;
  runLog(msg: Sequenced<LogEvent>): void;
  /** A phase outlived its deadline: the view says so, and the log gets the agent's line. */
  runOverdue(msg: Sequenced<PhaseOverdueEvent>): void;
  /** The agent's stored log of an instance's run, merged with the live lines held. */
  runLogLoaded(name: string, reply: LogReply): void;
  runHeartbeat(at: string): void;
  runGuestHeartbeat(name: string, at: string): void;
  runSetLoader(kind: string | null): void;
  runSetStandIn(standIn: AgentSettings["standInKernel"]): void;
  runSetKernels(kernels: Record<string, string | null>): void;
  runSetPending(name: string, action: RunAction | null): void;
  runSetError(name: string, error: RunError | null): void;
}
