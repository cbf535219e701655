// The agent's live messages (apps/agent/API.md, protocol tessera/ws@1) are core's wire types
// (packages/core/src/wire/events.ts): the console reads exactly what the agent's hub
// publishes. What they mean is the live controller's business (store/live.ts).
import type { InstanceEvent, LogEvent, Sequenced } from "@tessera/core";

export type { ServerMessage, SnapshotMessage } from "@tessera/core";
/** An instance event as it arrives: with its sequence number. */
export type InstanceMessage = Sequenced<InstanceEvent>;
/** A loader log line as it arrives: with its sequence number. */
export type LogMessage = Sequenced<LogEvent>;
