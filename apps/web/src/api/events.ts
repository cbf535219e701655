// The agent's live messages (apps/agent/API.md, protocol tessera/ws@1), as the console reads
// them: a union tagged by `type`. Shapes only; what they mean is the live controller's
// business (store/live.ts).
import type { InstanceState, InstanceView } from "@tessera/core";

export interface SnapshotMessage {
  type: "snapshot";
  epoch: string;
  seq: number;
  instances: InstanceView[];
  profile: { id: string; version: number; name: string } | null;
  loader: { kind: string };
}
export interface InstanceMessage {
  type: "instance";
  seq: number;
  at: string;
  name: string;
  state: InstanceState;
  previous: InstanceState;
  reason: string | null;
  phase: string | null;
  instance: InstanceView;
}
export interface LogMessage {
  type: "log";
  seq: number;
  at: string;
  name: string;
  stream: string;
  line: string;
}

export type ServerMessage =
  | SnapshotMessage
  | { type: "resumed"; epoch: string; from: number; to: number }
  | {
      type: "profile";
      seq: number;
      action: string;
      id: string;
      name: string;
      version: number;
      by: string;
    }
  | { type: "machine"; seq: number; fingerprint: string }
  | { type: "heartbeat"; seq: number; at: string }
  // a guest's heartbeat, outside the sequence (no seq; API.md "guest-heartbeat")
  | { type: "guest-heartbeat"; at: string; name: string }
  | { type: "error"; code: string; message: string }
  | InstanceMessage
  | LogMessage;
