// The active profile's instances: read, start, stop, force-stop, and each run's stored log
// (API.md "Instances"); the loader in use (API.md "GET /api/settings").
import type { AgentSettings, InstanceList, InstanceView, RunLog } from "@tessera/core";
import { request } from "./client";

/** core's wire types, under the names the run feature reads them by. */
export type InstancesReply = InstanceList;
export type LogReply = RunLog;

export type InstanceVerb = "start" | "stop" | "force-stop";

const one = (name: string) => `/api/instances/${encodeURIComponent(name)}`;

export function listInstances(): Promise<InstancesReply> {
  return request<InstancesReply>("GET", "/api/instances");
}

/** 202: the state as of now; progress follows on the live stream. */
export function instanceAction(
  name: string,
  verb: InstanceVerb,
): Promise<{ instance?: InstanceView }> {
  return request("POST", `${one(name)}/${verb}`, {});
}

export function startAllInstances(): Promise<{
  instance?: InstanceView;
  instances?: InstanceView[];
}> {
  return request("POST", "/api/instances/start-all", {});
}

export function instanceLog(name: string): Promise<LogReply> {
  return request<LogReply>("GET", `${one(name)}/log`);
}

export function getSettings(): Promise<AgentSettings> {
  return request("GET", "/api/settings");
}
