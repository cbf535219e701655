// What a persisted state becomes after an agent restart, for each answer of the loader.
import { describe, expect, it } from "vitest";
import type { InstanceRow, InstanceState } from "../db/instances";
import { reconcileRow } from "./reconcile";
import { LOCKED_STATES } from "@tessera/core";

const row = (state: InstanceState): InstanceRow => ({
  name: "os2",
  profileId: "p",
  profileVersion: 1,
  state,
  reason: null,
  phase: null,
  since: "2026-01-01T00:00:00.000Z",
  token: "t",
  lastHeartbeat: null,
  stopRequested: false,
  plan: null,
});

describe("reconcile after restart", () => {
  it("keeps what the loader confirms and says why", () => {
    expect(reconcileRow(row("running"), { name: "os2", state: "running" })).toBeNull();
    expect(reconcileRow(row("booting"), { name: "os2", state: "running" })?.state).toBe("running");
    expect(reconcileRow(row("loading"), { name: "os2", state: "loaded" })?.state).toBe("loaded");
  });

  it("marks what cannot be known as unknown, and keeps it locked", () => {
    for (const s of ["starting", "stopping", "unknown"] as const) {
      const r = reconcileRow(row("starting"), { name: "os2", state: s });
      expect(r?.state).toBe("unknown");
      expect(r?.patch.reason).toMatch(/Force-stop it/);
      expect(LOCKED_STATES.has(r!.state)).toBe(true);
    }
    const silent = reconcileRow(row("running"), undefined);
    expect(silent?.state).toBe("unknown");
  });

  it("tells an interrupted start from an instance that stopped while the agent was away", () => {
    expect(reconcileRow(row("loading"), { name: "os2", state: "absent" })).toMatchObject({
      state: "failed",
      patch: { reason: expect.stringMatching(/interrupted by an agent restart/) },
    });
    expect(reconcileRow(row("running"), { name: "os2", state: "stopped" })).toMatchObject({
      state: "stopped",
      patch: { reason: expect.stringMatching(/while the agent was down/) },
    });
    expect(reconcileRow(row("stopping"), { name: "os2", state: "stopped" })?.state).toBe("stopped");
    expect(reconcileRow(row("stopped"), { name: "os2", state: "absent" })).toBeNull();
  });

  it("drops a queued start (the queue was in the agent's memory), unless the loader holds it", () => {
    for (const st of [undefined, { name: "os2", state: "absent" as const }])
      expect(reconcileRow(row("queued"), st)).toMatchObject({
        state: "stopped",
        patch: { reason: expect.stringMatching(/waited to start; that queued start was dropped/) },
      });
    expect(reconcileRow(row("queued"), { name: "os2", state: "loaded" })?.state).toBe("loaded");
  });

  it("never forgets a settled instance the loader says is running", () => {
    // A stopped row with a running loader instance: adopt running (locks its resources).
    expect(reconcileRow(row("stopped"), { name: "os2", state: "running" })?.state).toBe("running");
  });
});
