// What the run view's component tests share: an InstanceView as the agent sends it, a stand-in
// agent (a test double, see stand-in-agent.ts) answering the instance list and settings, and a
// signed-in user with the live connection open.
import type { InstanceView, Role } from "@tessera/core";
import { useStore } from "../store";
import { standInAgent } from "./stand-in-agent";

export function instanceView(
  name: string,
  index: number,
  over: Partial<InstanceView> = {},
): InstanceView {
  return {
    name,
    index,
    role: index === 1 ? "os1" : "successor",
    state: index === 1 ? "running" : "stopped",
    reason: null,
    since: "2026-11-26T07:00:00.000Z",
    phase: index === 1 ? "running" : null,
    cpus: index === 1 ? [0, 1, 2, 3] : index === 2 ? [4, 5, 6, 7] : [16, 17],
    locked: false,
    lastHeartbeat: null,
    profileVersion: 1,
    phases: [],
    deadline: null,
    ...over,
  };
}

/** The agent as the run view reads it: these instances of profile p1 v1, the dry-run loader. */
export function runAgent(
  instances: InstanceView[],
  extra: Parameters<typeof standInAgent>[0] = {},
) {
  return standInAgent({
    "GET /api/instances": { status: 200, body: { profileId: "p1", profileVersion: 1, instances } },
    "GET /api/settings": { status: 200, body: { loader: { kind: "dry-run" }, dryRun: true } },
    ...extra,
  });
}

/** Signed in as olga (operator, admin) or vera (viewer), live connection open. */
export function signInAs(role: Role): void {
  useStore.getState().setUser({ name: role === "viewer" ? "vera" : "olga", role });
  useStore.getState().setWsStatus("open");
}
