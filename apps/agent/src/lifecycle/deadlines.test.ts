// Phase deadlines and the one-start-at-a-time rule, against a real server on loopback with
// the real dry-run loader: a phase made to hang by an injected fault outlives its (short)
// deadline, the agent says so on the live stream, in the run log and the audit log, and
// stops nothing; a second start meanwhile waits in the queue (cancelable, checked again at
// its turn), never failed.
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_PHASE_DEADLINES_MS, type PhaseDeadlines } from "@tessera/core";
import type { DryRunLoader, Loader, LoaderEvent } from "@tessera/kexec";
import {
  activeProfileApp,
  openLive,
  testEnv,
  until,
  type LiveConn,
  type Login,
  type TestApp,
} from "../../test/integration/helpers";

let t: TestApp;
let op: Login;
let live: LiveConn | undefined;

const SHORT: PhaseDeadlines = {
  "loading-image": 400,
  purgatory: 400,
  "ipi-sent": 400,
  "kernel-booting": 300,
  "userspace-up": 400,
};

async function setup(wrap?: (l: DryRunLoader) => Loader) {
  const r = await activeProfileApp(testEnv({ phaseDeadlines: SHORT }), undefined, wrap);
  ({ t, op } = r);
  expect(r.activated).toBe(200);
  const base = await t.app.listen({ host: "127.0.0.1", port: 0 });
  live = await openLive(base, op);
  return base;
}

afterEach(async () => {
  live?.ws.close();
  live = undefined;
  await t?.app.close();
  t?.env.cleanup();
});

const post = (url: string) => t.app.inject({ method: "POST", url, headers: op.headers });
const view = (name: string) => t.app.tessera.instances.view(name);
const reach = (name: string, s: string, ms = 5000) =>
  until(() => (view(name).state === s ? true : undefined), ms, `${name} ${s}`);
const events = (type: string) => live!.messages.filter((m) => m.type === type);

describe("phase deadlines", () => {
  it("announces a phase past its deadline once, logs and audits it, and stops nothing", async () => {
    await setup();
    t.loader.inject({ instance: "os2", at: "kernel-booting", kind: "hang" });
    const started = Date.now();
    expect((await post("/api/instances/os2/start")).statusCode).toBe(202);
    await until(() => (view("os2").phase === "kernel-booting" ? true : undefined));
    // before the deadline: the phase, its deadline and when it began, not overdue
    const before = (await t.app.inject({ url: "/api/instances", headers: op.headers })).json()
      .instances as { name: string; deadline: unknown }[];
    expect(before.find((i) => i.name === "os2")?.deadline).toMatchObject({
      phase: "kernel-booting",
      ms: 300,
      overdue: false,
    });
    const ev = (await until(() => events("phase-overdue")[0], 3000, "phase-overdue")) as {
      name: string;
      phase: string;
      deadlineMs: number;
      elapsedMs: number;
      seq: number;
      instance: { state: string; deadline: { overdue: boolean; phase: string } };
    };
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(ev).toMatchObject({
      name: "os2",
      phase: "kernel-booting",
      deadlineMs: 300,
      instance: { state: "booting", deadline: { overdue: true, phase: "kernel-booting" } },
    });
    expect(ev.elapsedMs).toBeGreaterThanOrEqual(300);
    expect(typeof ev.seq).toBe("number");
    // the agent kills nothing: still booting a while later, and announced only once
    await new Promise((r) => setTimeout(r, 700));
    expect(view("os2").state).toBe("booting");
    expect(view("os2").deadline?.overdue).toBe(true);
    expect(events("phase-overdue")).toHaveLength(1);
    // in the run log (under the event's seq) and the audit log, in the same words
    const log = (
      await t.app.inject({ url: "/api/instances/os2/log", headers: op.headers })
    ).json() as { lines: { seq: number; stream: string; line: string }[] };
    const line = log.lines.find((l) => l.seq === ev.seq);
    expect(line?.stream).toBe("event");
    expect(line?.line).toMatch(
      /^os2 looks stuck: kernel-booting has taken \d+\.\d s, more than its 0\.3 s deadline\. Force-stop it/,
    );
    const audit = (
      await t.app.inject({ url: "/api/audit?instance=os2", headers: op.headers })
    ).json() as { entries: { user: string; action: string; result: string; detail: string }[] };
    expect(audit.entries.find((e) => e.action === "instance.overdue")).toMatchObject({
      user: "(agent)",
      result: "overdue",
      detail: line?.line,
    });
    // the operator force-stops it: the deadline goes with the phase
    expect((await post("/api/instances/os2/force-stop")).statusCode).toBe(202);
    await reach("os2", "stopped");
    expect(view("os2").deadline).toBeNull();
  });

  it("sends no overdue event for a start whose phases all end in time, and drops the deadline when it runs", async () => {
    await setup();
    expect((await post("/api/instances/os3/start")).statusCode).toBe(202);
    await reach("os3", "running");
    expect(view("os3").deadline).toBeNull();
    await new Promise((r) => setTimeout(r, 600));
    expect(events("phase-overdue")).toEqual([]);
    // each phase had its own deadline on the way (the instance events carried them)
    const seen = events("instance")
      .map((m) => (m.instance as { deadline: { phase: string; ms: number } | null }).deadline)
      .filter(Boolean);
    expect(seen).toContainEqual(expect.objectContaining({ phase: "kernel-booting", ms: 300 }));
    expect(seen).toContainEqual(expect.objectContaining({ phase: "loading-image", ms: 400 }));
  });

  it("tells the console each phase's deadline in the settings", async () => {
    await setup();
    const s = await t.app.inject({ url: "/api/settings", headers: op.headers });
    expect(s.statusCode).toBe(200);
    expect(s.json().phaseDeadlines).toEqual(SHORT);
    expect(Object.keys(DEFAULT_PHASE_DEADLINES_MS)).toEqual(Object.keys(SHORT));
  });
});

describe("one start at a time", () => {
  /** os2 hangs at kernel-booting (holding the loader); os3's start is queued behind it. */
  async function queueBehindHungOs2() {
    await setup();
    t.loader.inject({ instance: "os2", at: "kernel-booting", kind: "hang" });
    expect((await post("/api/instances/os2/start")).statusCode).toBe(202);
    await until(() => (view("os2").phase === "kernel-booting" ? true : undefined));
    const res = await post("/api/instances/os3/start");
    expect(res.statusCode).toBe(202);
    return res.json().instance as { state: string; reason: string; locked: boolean };
  }
  const auditOf = async (name: string) =>
    (
      (await t.app.inject({ url: `/api/audit?instance=${name}`, headers: op.headers })).json() as {
        entries: { action: string; result: string; detail: string | null }[];
      }
    ).entries.map((e) => `${e.action}:${e.result}${e.detail ? `:${e.detail}` : ""}`);

  it("queues a start while another is under way, and starts it by itself when the loader is free", async () => {
    const queued = await queueBehindHungOs2();
    expect(queued).toMatchObject({ state: "queued", locked: false });
    expect(queued.reason).toBe(
      "Waiting for os2 to start: the loader takes one start at a time. os3 starts by itself then, checked again first.",
    );
    // not failed, announced live, audited; a second start of it is refused as already queued
    const live = await until(
      () => events("instance").find((m) => m.name === "os3" && m.state === "queued"),
      3000,
      "queued event",
    );
    expect(live).toMatchObject({ previous: "defined" });
    expect(await auditOf("os3")).toContain("instance.start:queued:behind os2");
    const again = await post("/api/instances/os3/start");
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe(
      "os3 is already queued: it starts when the start before it ends.",
    );
    // still waiting while os2 hangs
    await new Promise((r) => setTimeout(r, 300));
    expect(view("os3").state).toBe("queued");
    // os2 force-stopped: os3's start begins and runs
    expect((await post("/api/instances/os2/force-stop")).statusCode).toBe(202);
    await reach("os3", "running");
    await until(
      () => events("instance").find((m) => m.name === "os3" && m.state === "running"),
      3000,
      "os3 running event",
    );
    const states = events("instance")
      .filter((m) => m.name === "os3")
      .map((m) => m.state);
    expect(states.slice(0, 2)).toEqual(["queued", "loading"]);
    expect(states).not.toContain("failed");
    expect(await auditOf("os3")).toContain("instance.result:running");
    expect((await auditOf("os3")).some((e) => e.includes("failed"))).toBe(false);
  });

  it("cancels a queued start with stop: it goes back to where it was and never starts", async () => {
    await queueBehindHungOs2();
    const cancel = await post("/api/instances/os3/stop");
    expect(cancel.statusCode).toBe(202);
    expect(cancel.json().instance).toMatchObject({ state: "defined" });
    expect(view("os3").reason).toMatch(/cancelled the queued start; nothing of os3 was loaded/);
    expect(await auditOf("os3")).toContain("instance.start:cancelled");
    expect((await post("/api/instances/os2/force-stop")).statusCode).toBe(202);
    await reach("os2", "stopped");
    await new Promise((r) => setTimeout(r, 300));
    expect(view("os3").state).toBe("defined");
  });

  it("checks a queued start again at its turn: one that cannot start goes back, not failed", async () => {
    await queueBehindHungOs2();
    // meanwhile one of os3's cores (LAPIC 16) comes online in OS1
    t.online.push(16);
    expect((await post("/api/instances/os2/force-stop")).statusCode).toBe(202);
    await reach("os3", "defined");
    expect(view("os3").reason).toBe(
      "The queued start did not begin: os3's cores 16 are online in OS1 (Linux CPUs 4); a successor can only start on offline cores.",
    );
    expect((await auditOf("os3"))[0]).toMatch(/^instance\.start:refused:CPU-ONLINE,/);
  });

  it("does not queue a loaded instance (it holds its image): 409, and it stays loaded", async () => {
    await setup();
    t.loader.inject({ instance: "os2", at: "kernel-booting", kind: "hang" });
    expect((await post("/api/instances/os2/start")).statusCode).toBe(202);
    await until(() => (view("os2").phase === "kernel-booting" ? true : undefined));
    // os3 as an agent restart between its load and its start leaves it (set in the store)
    t.app.tessera.instances.transition("os3", "loaded", { phase: "purgatory" });
    const res = await post("/api/instances/os3/start");
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: "INSTANCE-STATE",
      message:
        "os3 is loaded and os2 is being started: the loader takes one start at a time. Start os3 again when os2 has started.",
      current: { state: "loaded" },
    });
    expect(view("os3").state).toBe("loaded");
  });

  it("start-all while another start is under way queues its first and goes on after it", async () => {
    await setup();
    t.loader.inject({ instance: "os2", at: "kernel-booting", kind: "hang" });
    expect((await post("/api/instances/os2/start")).statusCode).toBe(202);
    await until(() => (view("os2").phase === "kernel-booting" ? true : undefined));
    t.loader.clearFaults();
    // os2 is booting, so start-all has os3 to start: it waits in the queue behind os2
    expect((await post("/api/instances/start-all")).statusCode).toBe(202);
    await reach("os3", "queued");
    expect((await post("/api/instances/os2/force-stop")).statusCode).toBe(202);
    await reach("os3", "running");
  });

  it("puts an instance back where it was, not failed, when the loader itself says it is busy", async () => {
    // TEST DOUBLE: the real dry-run loader, except that load answers LOADER-BUSY, as mint
    // does while it holds the image of an instance another client loaded.
    await setup((dry) => ({
      ...dry,
      kind: dry.kind,
      async *load(): AsyncIterable<LoaderEvent> {
        yield {
          type: "result",
          ok: false,
          at: Date.now(),
          error: {
            code: "LOADER-BUSY",
            message: "kexec holds the image of os9, which is not started yet",
          },
        };
      },
    }));
    expect((await post("/api/instances/os2/start")).statusCode).toBe(202);
    await reach("os2", "defined");
    expect(view("os2").reason).toBe(
      "The loader was busy, so nothing of os2 was loaded: kexec holds the image of os9, which is not started yet. Start it again when the loader is free.",
    );
    const audit = (
      await t.app.inject({ url: "/api/audit?instance=os2", headers: op.headers })
    ).json() as { entries: { action: string; result: string }[] };
    expect(audit.entries.map((e) => `${e.action}:${e.result}`)).toContain("instance.result:busy");
    expect(audit.entries.map((e) => e.result)).not.toContain("failed");
  });
});
