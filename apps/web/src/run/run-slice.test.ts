import { beforeEach, describe, expect, it } from "vitest";
import { BOOT_PHASES, type PhaseEntry } from "@tessera/core";
import { useStore } from "../store/index";
import { applyServerMessage } from "../store/live";
import { LOG_LIMIT } from "./run-slice";
import type { InstanceState, InstanceView } from "./run-types";

const s = () => useStore.getState();

function view(
  name: string,
  index: number,
  state: InstanceState,
  phase: string | null = null,
): InstanceView {
  return {
    name,
    index,
    role: index === 1 ? "os1" : "successor",
    state,
    reason: null,
    since: "2026-11-26T07:00:00.000Z",
    phase,
    cpus: index === 1 ? [0, 1, 2, 3] : [4, 5, 6, 7],
    locked: state !== "defined" && state !== "stopped",
    lastHeartbeat: null,
    profileVersion: 1,
    phases: [],
    deadline: null,
  };
}

let seq = 1;
// The phases the agent records per instance: a new start clears them, each boot phase is
// kept with the time it was first reached (apps/agent lifecycle, run history).
let history: Record<string, PhaseEntry[]> = {};
beforeEach(() => {
  history = {};
});
function event(
  name: string,
  previous: InstanceState,
  state: InstanceState,
  phase: string | null,
  at: string,
  reason: string | null = null,
) {
  if (state === "loading" && previous !== "loading") history[name] = [];
  const h = (history[name] ??= []);
  if (
    phase &&
    (BOOT_PHASES as readonly string[]).includes(phase) &&
    !h.some((p) => p.phase === phase)
  )
    h.push({ phase, at });
  applyServerMessage({
    type: "instance",
    seq: ++seq,
    at,
    name,
    state,
    previous,
    reason,
    phase,
    instance: { ...view(name, 2, state, phase), reason, since: at, phases: [...h] },
  });
}

function snapshot(instances: InstanceView[]) {
  seq = 1;
  applyServerMessage({
    type: "snapshot",
    protocol: "tessera/ws@1",
    epoch: "e1",
    seq,
    instances,
    profile: { id: "p1", version: 3, name: "seed" },
    loader: { kind: "dry-run" },
  } as never);
}

describe("run slice, fed through the WebSocket entry point", () => {
  it("a snapshot sets instances in profile order, the profile and the loader", () => {
    snapshot([
      view("os3", 3, "stopped"),
      view("os1", 1, "running", "running"),
      view("os2", 2, "running", "running"),
    ]);
    expect(s().runOrder).toEqual(["os1", "os2", "os3"]);
    expect(s().runProfile).toEqual({ id: "p1", version: 3, name: "seed" });
    expect(s().runLoader).toBe("dry-run");
    // A running instance seen first in a snapshot has every phase reached, times unknown.
    expect(s().runTimelines.os2!.map((m) => [m.phase, m.at])).toEqual([
      ["loading-image", null],
      ["purgatory", null],
      ["ipi-sent", null],
      ["kernel-booting", null],
      ["userspace-up", null],
      ["running", null],
    ]);
    expect(s().runTimelines.os1).toEqual([]);
    expect(s().runTimelines.os3).toEqual([]);
  });

  it("instance events build a timeline with the agent's times; logs stream in order", () => {
    snapshot([view("os1", 1, "running", "running"), view("os2", 2, "stopped")]);
    event("os2", "stopped", "loading", "loading-image", "2026-11-26T07:01:00.000Z");
    applyServerMessage({
      type: "log",
      seq: ++seq,
      at: "2026-11-26T07:01:00.100Z",
      name: "os2",
      stream: "loader",
      line: "loading /boot/vmlinuz",
    });
    event("os2", "loading", "starting", "purgatory", "2026-11-26T07:01:00.400Z");
    event("os2", "starting", "starting", "ipi-sent", "2026-11-26T07:01:00.500Z");
    event("os2", "starting", "booting", "kernel-booting", "2026-11-26T07:01:00.550Z");
    event("os2", "booting", "booting", "userspace-up", "2026-11-26T07:01:02.050Z");
    event("os2", "booting", "running", "running", "2026-11-26T07:01:02.550Z");
    expect(s().runInstances.os2!.state).toBe("running");
    expect(s().runTimelines.os2!.map((m) => m.phase)).toEqual([
      "loading-image",
      "purgatory",
      "ipi-sent",
      "kernel-booting",
      "userspace-up",
      "running",
    ]);
    expect(s().runTimelines.os2![5]!.at).toBe("2026-11-26T07:01:02.550Z");
    const log = s().runLogs.os2!;
    expect(log.filter((l) => l.stream === "loader").map((l) => l.line)).toEqual([
      "loading /boot/vmlinuz",
    ]);
    expect(log.filter((l) => l.stream === "event").map((l) => l.line)).toEqual([
      "stopped → loading (loading-image)",
      "loading → starting (purgatory)",
      "starting → starting (ipi-sent)",
      "starting → booting (kernel-booting)",
      "booting → booting (userspace-up)",
      "booting → running (running)",
    ]);
    expect(log[1]!.line).toBe("loading /boot/vmlinuz");
    expect(s().runLastEventAt).toBe("2026-11-26T07:01:02.550Z");
  });

  it("a failure marks the phase it failed at and keeps the reason; a new start clears both", () => {
    snapshot([view("os1", 1, "running", "running"), view("os2", 2, "stopped")]);
    event("os2", "stopped", "loading", "loading-image", "2026-11-26T07:02:00.000Z");
    event("os2", "loading", "starting", "purgatory", "2026-11-26T07:02:00.400Z");
    event("os2", "starting", "booting", "kernel-booting", "2026-11-26T07:02:00.500Z");
    event(
      "os2",
      "booting",
      "failed",
      "kernel-booting",
      "2026-11-26T07:02:01.000Z",
      "injected fault: os2 failed at kernel-booting",
    );
    const marks = s().runTimelines.os2!;
    // the timeline shows when the phase began (the agent's record); the failure's own time
    // is the instance's `since`
    expect(marks[marks.length - 1]).toEqual({
      phase: "kernel-booting",
      at: "2026-11-26T07:02:00.500Z",
      failed: true,
    });
    expect(s().runInstances.os2!.since).toBe("2026-11-26T07:02:01.000Z");
    expect(marks.filter((m) => m.phase === "kernel-booting")).toHaveLength(1);
    expect(s().runInstances.os2!.reason).toMatch(/kernel-booting/);
    s().runSetError("os2", { text: "old refusal" });
    event("os2", "failed", "loading", "loading-image", "2026-11-26T07:03:00.000Z");
    expect(s().runTimelines.os2).toEqual([
      { phase: "loading-image", at: "2026-11-26T07:03:00.000Z" },
    ]);
    expect(s().runErrors.os2).toBeUndefined();
  });

  it("a stop empties the timeline; the log keeps at most LOG_LIMIT lines", () => {
    snapshot([view("os1", 1, "running", "running"), view("os2", 2, "running", "running")]);
    for (let i = 0; i < LOG_LIMIT + 10; i++)
      applyServerMessage({
        type: "log",
        seq: ++seq,
        at: "2026-11-26T07:04:00.000Z",
        name: "os2",
        stream: "stdout",
        line: `line ${i}`,
      });
    expect(s().runLogs.os2).toHaveLength(LOG_LIMIT);
    expect(s().runLogs.os2![0]!.line).toBe("line 10");
    event("os2", "running", "stopping", "running", "2026-11-26T07:04:01.000Z");
    event("os2", "stopping", "stopped", "stopped", "2026-11-26T07:04:02.000Z");
    expect(s().runTimelines.os2).toEqual([]);
    expect(s().runInstances.os2!.state).toBe("stopped");
  });

  it("the agent's 15 s heartbeat refreshes the liveness time only", () => {
    snapshot([view("os1", 1, "running", "running")]);
    const before = s().runInstances;
    applyServerMessage({ type: "heartbeat", seq, at: "2026-11-26T07:05:00.000Z" });
    expect(s().runLastEventAt).toBe("2026-11-26T07:05:00.000Z");
    expect(s().runInstances).toBe(before);
  });

  it("pending actions and errors are per instance", () => {
    s().runSetPending("os2", "start");
    s().runSetError("os3", { text: "refused" });
    expect(s().runPending).toEqual({ os2: "start" });
    s().runSetPending("os2", null);
    expect(s().runPending).toEqual({});
    expect(s().runErrors.os3!.text).toBe("refused");
  });
});

describe("run slice after a reconnect", () => {
  it("a force-stop of an instance in doubt keeps its log; only a start begins a new one", () => {
    snapshot([view("os1", 1, "running", "running"), view("os2", 2, "stopped")]);
    event("os2", "stopped", "loading", "loading-image", "2026-11-26T07:08:00.000Z");
    event(
      "os2",
      "loading",
      "unknown",
      "loading-image",
      "2026-11-26T07:08:01.000Z",
      "The agent restarted…",
    );
    event("os2", "unknown", "stopping", "loading-image", "2026-11-26T07:08:02.000Z");
    expect(s().runLogs.os2!.map((l) => l.line)[0]).toBe("stopped → loading (loading-image)");
    event("os2", "stopping", "stopped", "stopped", "2026-11-26T07:08:03.000Z");
    event("os2", "stopped", "loading", "loading-image", "2026-11-26T07:09:00.000Z");
    expect(s().runLogs.os2!.map((l) => l.line)).toEqual(["stopped → loading (loading-image)"]);
  });

  it("a snapshot after an agent restart keeps the phase times seen and logs the change", () => {
    snapshot([view("os1", 1, "running", "running"), view("os2", 2, "stopped")]);
    event("os2", "stopped", "loading", "loading-image", "2026-11-26T07:06:00.000Z");
    event("os2", "loading", "booting", "kernel-booting", "2026-11-26T07:06:00.500Z");
    snapshot([
      view("os1", 1, "running", "running"),
      {
        ...view("os2", 2, "running", "running"),
        reason: "Found running after the agent restarted.",
        since: "2026-11-26T07:07:00.000Z",
      },
    ]);
    const marks = s().runTimelines.os2!;
    expect(marks.map((m) => m.phase)).toEqual([
      "loading-image",
      "purgatory",
      "ipi-sent",
      "kernel-booting",
      "userspace-up",
      "running",
    ]);
    expect(marks.find((m) => m.phase === "kernel-booting")!.at).toBe("2026-11-26T07:06:00.500Z");
    expect(marks.find((m) => m.phase === "running")!.at).toBeNull();
    const last = s().runLogs.os2!.at(-1)!;
    expect(last.line).toBe("booting → running: Found running after the agent restarted.");
    expect(last.seq).toBeLessThan(0);
  });
});

describe("run slice with the agent's run history", () => {
  it("guest heartbeats from the live stream move the instance's last heartbeat, never back", () => {
    snapshot([view("os1", 1, "running", "running"), view("os2", 2, "running", "running")]);
    const before = s().runInstances;
    applyServerMessage({ type: "guest-heartbeat", name: "os2", at: "2026-11-26T07:10:01.000Z" });
    applyServerMessage({ type: "guest-heartbeat", name: "os2", at: "2026-11-26T07:10:02.000Z" });
    // a late, older beat (a resume's latest after a live one) changes nothing
    applyServerMessage({ type: "guest-heartbeat", name: "os2", at: "2026-11-26T07:10:01.500Z" });
    expect(s().runHeartbeats).toEqual({ os2: "2026-11-26T07:10:02.000Z" });
    expect(s().runInstances).toBe(before); // only the heartbeat field's readers re-render
    // a new start forgets the previous run's beat
    event("os2", "stopped", "loading", "loading-image", "2026-11-26T07:11:00.000Z");
    expect(s().runHeartbeats.os2).toBeUndefined();
  });

  it("the agent's recorded phases give the timeline its times after a reload; a failed run marks where", () => {
    const phases = [
      { phase: "loading-image", at: "2026-11-26T07:12:00.000Z" },
      { phase: "purgatory", at: "2026-11-26T07:12:00.400Z" },
      { phase: "ipi-sent", at: "2026-11-26T07:12:00.500Z" },
      { phase: "kernel-booting", at: "2026-11-26T07:12:00.550Z" },
    ];
    snapshot([
      view("os1", 1, "running", "running"),
      { ...view("os2", 2, "booting", "kernel-booting"), phases },
      {
        ...view("os3", 3, "failed", "kernel-booting"),
        phases,
        reason: "injected fault",
      },
    ]);
    expect(s().runTimelines.os2).toEqual(phases);
    expect(s().runTimelines.os3!.at(-1)).toEqual({ ...phases[3], failed: true });
    expect(s().runTimelines.os3!.filter((m) => m.failed)).toHaveLength(1);
    // a live event carries the view with its history: the times stay the agent's
    const next = [...phases, { phase: "userspace-up", at: "2026-11-26T07:12:02.050Z" }];
    applyServerMessage({
      type: "instance",
      seq: ++seq,
      at: "2026-11-26T07:12:02.050Z",
      name: "os2",
      state: "booting",
      previous: "booting",
      reason: null,
      phase: "userspace-up",
      instance: { ...view("os2", 2, "booting", "userspace-up"), phases: next },
    });
    expect(s().runTimelines.os2).toEqual(next);
    // found running after an agent restart: the phases it passed unrecorded are reached, time unknown
    snapshot([
      view("os1", 1, "running", "running"),
      {
        ...view("os2", 2, "running", "running"),
        phases: [...phases, { phase: "running", at: "2026-11-26T07:13:00.000Z" }],
      },
    ]);
    expect(s().runTimelines.os2!.map((m) => [m.phase, m.at])).toEqual([
      ...phases.map((p) => [p.phase, p.at]),
      // not recorded by the agent (it restarted), but this console watched it live
      ["userspace-up", "2026-11-26T07:12:02.050Z"],
      ["running", "2026-11-26T07:13:00.000Z"],
    ]);
  });

  it("the stored log replaces what the console pieced together and keeps live lines after the read", () => {
    snapshot([view("os1", 1, "running", "running"), view("os2", 2, "booting", "kernel-booting")]);
    // the console watched one line of epoch e1 (seq 2), then the agent's read (at seq 3)
    // arrives, then a live line with seq 4
    applyServerMessage({
      type: "log",
      seq: 2,
      at: "2026-11-26T07:13:00.100Z",
      name: "os2",
      stream: "loader",
      line: "[dry-run] os2: kernel booting",
    });
    applyServerMessage({
      type: "log",
      seq: 4,
      at: "2026-11-26T07:13:00.300Z",
      name: "os2",
      stream: "loader",
      line: "after the read",
    });
    s().runLogLoaded("os2", {
      name: "os2",
      epoch: "e1",
      seq: 3,
      more: false,
      lines: [
        {
          id: 1,
          epoch: "e0",
          seq: 9,
          at: "2026-11-26T07:12:59.000Z",
          stream: "event",
          line: "stopped → loading",
        },
        {
          id: 2,
          epoch: "e1",
          seq: 2,
          at: "2026-11-26T07:13:00.100Z",
          stream: "loader",
          line: "[dry-run] os2: kernel booting",
        },
        {
          id: 3,
          epoch: "e1",
          seq: 3,
          at: "2026-11-26T07:13:00.200Z",
          stream: "event",
          line: "booting → booting",
        },
      ],
    });
    expect(s().runLogs.os2!.map((l) => `${l.epoch}:${l.seq} ${l.line}`)).toEqual([
      "e0:9 stopped → loading",
      "e1:2 [dry-run] os2: kernel booting",
      "e1:3 booting → booting",
      "e1:4 after the read",
    ]);
  });
});
