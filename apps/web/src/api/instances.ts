// The active profile's instances: read, start, stop, force-stop, and each run's stored log
// (API.md "Instances"); the loader in use (API.md "GET /api/settings").
import type { InstanceView } from "@tessera/core";
import { request } from "./client";

export interface InstancesReply {
  profileId: string | null;
  profileVersion: number | null;
  instances: InstanceView[];
}

/** API.md `GET /api/instances/:name/log`. */
export interface LogReply {
  epoch: string;
  seq: number;
  lines: { epoch: string; seq: number; at: string; stream: string; line: string }[];
}

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

export function getSettings(): Promise<{ loader: { kind: string }; dryRun: boolean }> {
  return request("GET", "/api/settings");
}
