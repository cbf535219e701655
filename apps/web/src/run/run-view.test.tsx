import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { useStore } from "../store";
import { SessionExpiredDialog } from "../session/session-dialog";
import { watchSessionExpiry } from "../session/expiry";
import { RunView } from "./run-view";
import { instanceView, runAgent, signInAs } from "../test/run-kit";
import { standInAgent } from "../test/stand-in-agent";
import { applyServerMessage } from "../store/live";

const s = () => useStore.getState();

const view = instanceView;
const agentWith = runAgent;
const signIn = signInAs;

afterEach(() => vi.unstubAllGlobals());

describe("run view", () => {
  beforeEach(() => signIn("operator"));

  it("shows the dry-run banner, every instance's state, and OS1 without controls", async () => {
    agentWith([
      view("os1", 1),
      view("os2", 2),
      view("os3", 3, {
        state: "running",
        phase: "running",
        lastHeartbeat: new Date().toISOString(),
      }),
    ]);
    render(<RunView />);
    expect(await screen.findByTestId("run.dry-run-banner")).toHaveProperty(
      "textContent",
      expect.stringMatching(/dry-run simulator/),
    );
    await screen.findByTestId("run.instance-os3");
    expect(screen.getByTestId("run.state-os2").textContent).toBe("Stopped");
    expect(screen.getByTestId("run.state-os3").dataset.state).toBe("running");
    expect(screen.queryByTestId("run.start-os1")).toBeNull();
    expect(screen.getByTestId("run.heartbeat-os3").textContent).toMatch(/heartbeat \d+ s ago/);
    expect(screen.getByTestId("run.phase-os3-kernel-booting").dataset.status).toBe("done");
    expect((screen.getByTestId("run.start-os3") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId("run.start-os3").title).toMatch(/os3 is running/);
  });

  it("says when a running instance was started from an older profile version", async () => {
    standInAgent({
      "GET /api/instances": {
        status: 200,
        body: {
          profileId: "p1",
          profileVersion: 3,
          instances: [
            view("os1", 1),
            view("os2", 2, { state: "running", phase: "running", locked: true, profileVersion: 2 }),
          ],
        },
      },
      "GET /api/settings": { status: 200, body: { loader: { kind: "dry-run" }, dryRun: true } },
    });
    render(<RunView />);
    expect((await screen.findByTestId("run.version-os2")).textContent).toMatch(
      /profile version 2; the active profile is now\s+version 3/,
    );
  });

  it("a failed start says where and why in plain words", async () => {
    agentWith([
      view("os1", 1),
      view("os2", 2, {
        state: "failed",
        phase: "kernel-booting",
        reason: "injected fault: os2 failed at kernel-booting",
      }),
    ]);
    render(<RunView />);
    const reason = await screen.findByTestId("run.reason-os2");
    expect(reason.textContent).toMatch(/os2 failed at “Kernel booting”/);
    expect(reason.textContent).toMatch(/never reached user space/);
    expect(screen.getByTestId("run.phase-os2-kernel-booting").dataset.status).toBe("failed");
    expect(screen.getByTestId("run.phase-os2-userspace-up").dataset.status).toBe("todo");
    expect((screen.getByTestId("run.start-os2") as HTMLButtonElement).disabled).toBe(false);
  });

  it("a viewer sees every control disabled, with a tooltip that says why", async () => {
    signIn("viewer");
    agentWith([view("os1", 1), view("os2", 2)]);
    render(<RunView />);
    const start = await screen.findByTestId("run.start-os2");
    expect((start as HTMLButtonElement).disabled).toBe(true);
    expect(start.title).toMatch(
      /signed in as a viewer: only an operator or admin may start or stop instances/,
    );
    expect((screen.getByTestId("run.start-all") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId("run.start-all").title).toMatch(/viewer/);
  });

  it("stop asks first and says what will happen; cancel sends nothing, confirm sends the stop", async () => {
    const agent = agentWith(
      [view("os1", 1), view("os2", 2, { state: "running", phase: "running" })],
      {
        "POST /api/instances/os2/stop": {
          status: 202,
          body: {
            instance: view("os2", 2, { state: "stopping", since: "2026-11-26T08:00:00.000Z" }),
          },
        },
      },
    );
    render(<RunView />);
    fireEvent.click(await screen.findByTestId("run.stop-os2"));
    const dialog = screen.getByTestId("confirm.dialog");
    expect(within(dialog).getByTestId("confirm.body").textContent).toMatch(
      /asks os2's guest to shut down cleanly.*4 cores \(LAPIC 4-7\)/,
    );
    fireEvent.click(within(dialog).getByTestId("confirm.cancel"));
    expect(screen.queryByTestId("confirm.dialog")).toBeNull();
    expect(agent.calls.some((c) => c.method === "POST")).toBe(false);
    fireEvent.click(screen.getByTestId("run.stop-os2"));
    fireEvent.click(screen.getByTestId("confirm.ok"));
    await waitFor(() => expect(screen.getByTestId("run.state-os2").textContent).toBe("Stopping"));
    expect(agent.calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual([
      "/api/instances/os2/stop",
    ]);
  });

  it("force-stop warns that unsaved work is lost", async () => {
    agentWith([
      view("os1", 1),
      view("os2", 2, { state: "unknown", reason: "The agent restarted…" }),
    ]);
    render(<RunView />);
    fireEvent.click(await screen.findByTestId("run.force-stop-os2"));
    expect(screen.getByTestId("confirm.body").textContent).toMatch(
      /halts os2's .* at once, without a shutdown/,
    );
    expect(screen.getByTestId("run.start-os2").title).toMatch(
      /force-stop it before starting again/,
    );
  });

  it("a refused start shows the agent's diagnostics where the action was", async () => {
    agentWith([view("os1", 1), view("os2", 2)], {
      "POST /api/instances/os2/start": {
        status: 422,
        body: {
          error: {
            code: "START-REFUSED",
            message: "The instance cannot start on the machine as it is now; see the diagnostics.",
            diagnostics: [
              {
                code: "FILE-MISSING",
                severity: "error",
                message: "os2's kernel /boot/vmlinuz does not exist.",
                hint: "Copy the kernel there.",
              },
              { code: "DEV-INTX", severity: "warning", message: "a warning" },
            ],
          },
        },
      },
    });
    render(<RunView />);
    fireEvent.click(await screen.findByTestId("run.start-os2"));
    const err = await screen.findByTestId("run.error-os2");
    expect(err.textContent).toMatch(/cannot start on the machine as it is now/);
    expect(err.textContent).toMatch(/kernel \/boot\/vmlinuz does not exist.*Copy the kernel there/);
    expect(err.textContent).not.toMatch(/a warning/);
  });

  it("start all asks first, naming what will start in order", async () => {
    const agent = agentWith([view("os1", 1), view("os2", 2), view("os3", 3)], {
      "POST /api/instances/start-all": { status: 202, body: { instances: [] } },
    });
    render(<RunView />);
    await screen.findByTestId("run.instance-os3");
    fireEvent.click(screen.getByTestId("run.start-all"));
    expect(screen.getByTestId("confirm.body").textContent).toMatch(
      /Starts os2, os3 one after another/,
    );
    fireEvent.click(screen.getByTestId("confirm.ok"));
    await waitFor(() =>
      expect(agent.calls.some((c) => c.path === "/api/instances/start-all")).toBe(true),
    );
  });

  it("no simulator banner when the loader is a real one", async () => {
    standInAgent({
      "GET /api/instances": {
        status: 200,
        body: { profileId: "p1", profileVersion: 1, instances: [view("os1", 1), view("os2", 2)] },
      },
      "GET /api/settings": { status: 200, body: { loader: { kind: "mint" }, dryRun: false } },
    });
    render(<RunView />);
    await screen.findByTestId("run.instance-os2");
    await waitFor(() => expect(s().runLoader).toBe("mint"));
    expect(screen.queryByTestId("run.dry-run-banner")).toBeNull();
  });

  it("a failed read is shown and clears itself once a read succeeds", async () => {
    let fail = true;
    standInAgent({
      "GET /api/instances": () =>
        fail
          ? {
              status: 500,
              body: { error: { code: "INTERNAL", message: "The agent hit an internal error." } },
            }
          : {
              status: 200,
              body: { profileId: "p1", profileVersion: 1, instances: [view("os1", 1)] },
            },
      "GET /api/settings": { status: 200, body: { loader: { kind: "dry-run" }, dryRun: true } },
    });
    render(<RunView />);
    expect((await screen.findByTestId("run.error-*load")).textContent).toMatch(/internal error/);
    fail = false;
    await act(async () => {
      const { loadRun } = await import("./run-actions");
      await loadRun();
    });
    expect(screen.queryByTestId("run.error-*load")).toBeNull();
  });

  it("says so when no profile is active", async () => {
    standInAgent({
      "GET /api/instances": {
        status: 200,
        body: { profileId: null, profileVersion: null, instances: [] },
      },
      "GET /api/settings": { status: 200, body: { loader: { kind: "dry-run" }, dryRun: true } },
    });
    render(<RunView />);
    expect((await screen.findByTestId("run.empty")).textContent).toMatch(/No profile is active/);
  });

  it("a lost connection is shown", async () => {
    agentWith([view("os1", 1)]);
    s().setWsStatus("connecting");
    render(<RunView />);
    expect((await screen.findByTestId("run.connection")).textContent).toMatch(
      /Reconnecting.*replayed/,
    );
  });

  it("session expiry: the start waits for a new sign-in, then carries on; the draft is untouched", async () => {
    const unwatch = watchSessionExpiry();
    let signedIn = false;
    const draftBefore = s().draft;
    const agent = agentWith([view("os1", 1), view("os2", 2)], {
      "POST /api/instances/os2/start": () =>
        signedIn
          ? {
              status: 202,
              body: {
                instance: view("os2", 2, { state: "loading", since: "2026-11-26T09:00:00.000Z" }),
              },
            }
          : { status: 401, body: { error: { code: "AUTH-REQUIRED", message: "Sign in first." } } },
      "POST /api/session": (r) => {
        signedIn = (r.body as { password: string }).password === "right";
        return signedIn
          ? { status: 200, body: { user: { name: "olga", role: "operator" }, csrfToken: "t2" } }
          : {
              status: 401,
              body: { error: { code: "AUTH-FAILED", message: "Wrong user name or password." } },
            };
      },
    });
    render(
      <>
        <RunView />
        <SessionExpiredDialog />
      </>,
    );
    fireEvent.click(await screen.findByTestId("run.start-os2"));
    const dialog = await screen.findByTestId("session.dialog");
    expect((within(dialog).getByTestId("session.username") as HTMLInputElement).value).toBe("olga");
    fireEvent.change(within(dialog).getByTestId("session.password"), {
      target: { value: "wrong" },
    });
    fireEvent.click(within(dialog).getByTestId("session.submit"));
    expect((await screen.findByTestId("session.error")).textContent).toMatch(/Wrong user name/);
    fireEvent.change(within(dialog).getByTestId("session.password"), {
      target: { value: "right" },
    });
    await act(async () => fireEvent.click(within(dialog).getByTestId("session.submit")));
    await waitFor(() => expect(screen.getByTestId("run.state-os2").textContent).toBe("Loading"));
    expect(screen.queryByTestId("session.dialog")).toBeNull();
    const starts = agent.calls.filter((c) => c.path === "/api/instances/os2/start");
    expect(starts).toHaveLength(2);
    expect(starts[1]!.csrf).toBe("t2");
    expect(s().sessionStatus).toBe("signed-in");
    expect(s().draft).toBe(draftBefore);
    unwatch();
  });
});

describe("run view after a reload", () => {
  beforeEach(() => signIn("operator"));

  const phases = [
    { phase: "loading-image", at: "2026-11-26T07:00:00.000Z" },
    { phase: "purgatory", at: "2026-11-26T07:00:00.400Z" },
    { phase: "ipi-sent", at: "2026-11-26T07:00:00.500Z" },
    { phase: "kernel-booting", at: "2026-11-26T07:00:00.550Z" },
    { phase: "userspace-up", at: "2026-11-26T07:00:02.050Z" },
    { phase: "running", at: "2026-11-26T07:00:02.550Z" },
  ];
  const log = {
    name: "os2",
    epoch: "e1",
    seq: 20,
    more: false,
    lines: [
      { id: 1, epoch: "e1", seq: 3, at: phases[0]!.at, stream: "event", line: "stopped → loading" },
      {
        id: 2,
        epoch: "e1",
        seq: 5,
        at: phases[3]!.at,
        stream: "loader",
        line: "[dry-run] os2: kernel-booting",
      },
    ],
  };

  it("shows the phase times the agent recorded and its stored log", async () => {
    const agent = agentWith(
      [view("os1", 1), view("os2", 2, { state: "running", phase: "running", phases })],
      { "GET /api/instances/os2/log": { status: 200, body: log } },
    );
    render(<RunView />);
    const booting = await screen.findByTestId("run.phase-os2-kernel-booting");
    expect(booting.textContent).toMatch(/\+0\.55 s/);
    expect(screen.getByTestId("run.phase-os2-loading-image").textContent).toMatch(
      new RegExp(`at ${new Date(phases[0]!.at).toLocaleTimeString()}`),
    );
    expect(screen.getByTestId("run.phase-os2-running").textContent).toMatch(/\+2\.55 s/);
    await waitFor(() =>
      expect(screen.getByTestId("run.log-os2").textContent).toMatch(
        /stopped → loading[\s\S]*\[dry-run\] os2: kernel-booting/,
      ),
    );
    expect(screen.getByText("Loader log and events (2 lines)")).toBeTruthy();
    // OS1 has no log to read
    expect(agent.calls.some((c) => c.path.includes("/os1/log"))).toBe(false);
  });

  it('a log of one line says "1 line"', async () => {
    agentWith([view("os1", 1), view("os2", 2, { state: "running", phase: "running", phases })], {
      "GET /api/instances/os2/log": { status: 200, body: { ...log, lines: log.lines.slice(0, 1) } },
    });
    render(<RunView />);
    expect(await screen.findByText("Loader log and events (1 line)")).toBeTruthy();
  });

  it("the heartbeat follows live guest-heartbeat events, with no polling; the connection's return reads once", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "Date"] });
    vi.setSystemTime(new Date("2026-11-26T07:01:00.000Z"));
    try {
      const agent = agentWith(
        [
          view("os1", 1),
          view("os2", 2, {
            state: "running",
            phase: "running",
            phases,
            lastHeartbeat: "2026-11-26T07:00:30.000Z",
          }),
        ],
        { "GET /api/instances/os2/log": { status: 200, body: log } },
      );
      render(<RunView />);
      const beat = await screen.findByTestId("run.heartbeat-os2");
      expect(beat.textContent).toMatch(/heartbeat 30 s ago/);
      expect(beat.className).toMatch(/stale/);
      act(() => {
        applyServerMessage({
          type: "guest-heartbeat",
          name: "os2",
          at: "2026-11-26T07:00:59.000Z",
        });
      });
      expect(screen.getByTestId("run.heartbeat-os2").textContent).toMatch(/heartbeat 1 s ago/);
      expect(screen.getByTestId("run.heartbeat-os2").className).toMatch(/fresh/);
      const reads = () => agent.calls.filter((c) => c.path === "/api/instances").length;
      await waitFor(() => expect(reads()).toBe(1));
      act(() => {
        vi.advanceTimersByTime(60_000);
      });
      expect(reads()).toBe(1);
      // the connection drops and comes back: one read of the instances and the logs
      act(() => s().setWsStatus("closed"));
      act(() => s().setWsStatus("open"));
      await waitFor(() => expect(reads()).toBe(2));
      await waitFor(() =>
        expect(agent.calls.filter((c) => c.path === "/api/instances/os2/log")).toHaveLength(2),
      );
    } finally {
      vi.useRealTimers();
    }
  });
});
