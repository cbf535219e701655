// The run card's phase deadline, the agent's `phase-overdue` event and a queued start,
// against a stand-in agent (a test double; the real agent is e2e/tests/run-deadline.spec.ts).
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { InstanceView } from "@tessera/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useStore } from "../store";
import { applyServerMessage } from "../store/live";
import { instanceView, runAgent, signInAs } from "../test/run-kit";
import { RunView } from "./run-view";

const s = () => useStore.getState();
const SINCE = new Date(Date.now() - 12_000).toISOString();

const view = (name: string, index: number, over: Partial<InstanceView> = {}) =>
  instanceView(name, index, { since: SINCE, ...over });

const booting = (overdue: boolean) =>
  view("os2", 2, {
    state: "booting",
    phase: "kernel-booting",
    locked: true,
    deadline: { phase: "kernel-booting", ms: 30_000, since: SINCE, overdue },
  });

function agentWith(instances: InstanceView[], extra: Parameters<typeof runAgent>[1] = {}) {
  return runAgent(instances, {
    "GET /api/instances/os2/log": {
      status: 200,
      body: { name: "os2", epoch: "e1", seq: 0, lines: [], more: false },
    },
    ...extra,
  });
}
const signIn = signInAs;

afterEach(() => vi.unstubAllGlobals());

describe("phase deadline on the run card", () => {
  beforeEach(() => signIn("operator"));

  it("shows the current phase's deadline and how long it has taken", async () => {
    agentWith([view("os1", 1), booting(false)]);
    render(<RunView />);
    const d = await screen.findByTestId("run.deadline-os2");
    expect(d.textContent).toMatch(/^Kernel booting: 1\d s so far · deadline 30 s$/);
    expect(screen.queryByTestId("run.overdue-os2")).toBeNull();
    expect(screen.getByTestId("run.instance-os2").className).toMatch(/tone-busy/);
  });

  it("turns into 'looks stuck' with a force stop when the agent says the phase is overdue", async () => {
    const agent = agentWith([view("os1", 1), booting(false)], {
      "POST /api/instances/os2/force-stop": {
        status: 202,
        body: { instance: view("os2", 2, { state: "stopping", locked: true }) },
      },
    });
    render(<RunView />);
    await screen.findByTestId("run.deadline-os2");
    act(() =>
      applyServerMessage({
        type: "phase-overdue",
        seq: 7,
        at: new Date().toISOString(),
        name: "os2",
        phase: "kernel-booting",
        deadlineMs: 30_000,
        elapsedMs: 31_000,
        instance: booting(true),
      }),
    );
    const box = await screen.findByTestId("run.overdue-os2");
    // this browser's clock says 12 s: never less than the deadline once the agent said so
    expect(box.textContent).toMatch(
      /os2 looks stuck: Kernel booting has taken 30 s, more than its 30 s deadline\. Nothing was stopped/,
    );
    expect(screen.queryByTestId("run.deadline-os2")).toBeNull();
    expect(screen.getByTestId("run.instance-os2").className).toMatch(/tone-warn/);
    expect(screen.getByTestId("run.state-os2").textContent).toBe("Booting");
    expect(s().runLogs.os2?.at(-1)).toMatchObject({
      seq: 7,
      stream: "event",
      line: "os2 looks stuck: kernel-booting has taken 31 s, more than its 30 s deadline. Force-stop it if it does not move on.",
    });
    fireEvent.click(screen.getByTestId("run.overdue-force-stop-os2"));
    fireEvent.click(await screen.findByRole("button", { name: "Force-stop os2" }));
    await waitFor(() =>
      expect(agent.calls.map((c) => `${c.method} ${c.path}`)).toContain(
        "POST /api/instances/os2/force-stop",
      ),
    );
  });

  it("a viewer sees the stuck notice but cannot force-stop", async () => {
    signIn("viewer");
    agentWith([view("os1", 1), booting(true)]);
    render(<RunView />);
    await screen.findByTestId("run.overdue-os2");
    expect((screen.getByTestId("run.overdue-force-stop-os2") as HTMLButtonElement).disabled).toBe(
      true,
    );
  });
});

describe("a start queued behind another", () => {
  beforeEach(() => signIn("operator"));

  const WAITING =
    "Waiting for os2 to start: the loader takes one start at a time. os3 starts by itself then, checked again first.";

  it("is a neutral 'queued' notice saying what it waits for, with cancel; not failed", async () => {
    const agent = agentWith([view("os1", 1), booting(false), view("os3", 3)], {
      "POST /api/instances/os3/start": {
        status: 202,
        body: { instance: view("os3", 3, { state: "queued", reason: WAITING }) },
      },
      "POST /api/instances/os3/stop": {
        status: 202,
        body: {
          instance: view("os3", 3, {
            state: "defined",
            since: new Date().toISOString(),
            reason: "olga cancelled the queued start; nothing of os3 was loaded.",
          }),
        },
      },
    });
    render(<RunView />);
    fireEvent.click(await screen.findByTestId("run.start-os3"));
    const box = await screen.findByTestId("run.queued-os3");
    expect(box.getAttribute("role")).toBe("status");
    expect(box.className).toBe("banner info");
    expect(box.textContent).toContain(`Queued. ${WAITING}`);
    expect(screen.getByTestId("run.state-os3").textContent).toBe("Queued");
    expect(screen.queryByTestId("run.error-os3")).toBeNull();
    expect(screen.queryByTestId("run.reason-os3")).toBeNull();
    expect(screen.queryByRole("alert")).toBeNull();
    expect(screen.getByTestId("run.instance-os3").className).not.toMatch(/tone-bad/);
    // stop and force stop are not for a start that holds nothing yet: cancel is
    const stop = screen.getByTestId("run.stop-os3") as HTMLButtonElement;
    expect(stop.disabled).toBe(true);
    expect(stop.title).toBe("os3 holds nothing yet: cancel its queued start instead.");
    expect((screen.getByTestId("run.start-os3") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("run.cancel-os3"));
    await waitFor(() => expect(screen.queryByTestId("run.queued-os3")).toBeNull());
    expect(agent.calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual([
      "/api/instances/os3/start",
      "/api/instances/os3/stop",
    ]);
    expect(screen.getByTestId("run.state-os3").textContent).toBe("Not started");
  });

  it("a queued start that begins starts a new timeline and log", async () => {
    agentWith([view("os1", 1), view("os3", 3, { state: "queued", reason: WAITING })]);
    render(<RunView />);
    await screen.findByTestId("run.queued-os3");
    const queuedAt = new Date(Date.now() - 5000).toISOString();
    act(() =>
      applyServerMessage({
        type: "instance",
        seq: 8,
        at: queuedAt,
        name: "os3",
        state: "queued",
        previous: "defined",
        reason: WAITING,
        phase: null,
        instance: view("os3", 3, { state: "queued", reason: WAITING, since: queuedAt }),
      }),
    );
    expect(s().runLogs.os3?.map((l) => l.line)).toEqual([`defined → queued: ${WAITING}`]);
    act(() =>
      applyServerMessage({
        type: "instance",
        seq: 9,
        at: new Date().toISOString(),
        name: "os3",
        state: "loading",
        previous: "queued",
        reason: null,
        phase: null,
        instance: view("os3", 3, {
          state: "loading",
          locked: true,
          since: new Date().toISOString(),
        }),
      }),
    );
    await waitFor(() => expect(screen.queryByTestId("run.queued-os3")).toBeNull());
    expect(s().runLogs.os3?.map((l) => l.line)).toEqual(["queued → loading"]);
  });
});
