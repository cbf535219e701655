// Each instance's run history through the HTTP API with the real dry-run loader and a real
// SQLite file: the phases it reached with their times (GET /api/instances, the snapshot)
// and its log (GET /api/instances/:name/log), both kept across an agent restart and
// cleared by the next start.
import { afterEach, describe, expect, it } from "vitest";
import type { DryRunLoader, Loader, LoaderEvent } from "@tessera/kexec";
import {
  activeProfileApp,
  addUser,
  login,
  testEnv,
  until,
  type Login,
  type TestApp,
  type TestEnv,
} from "../../test/integration/helpers";
import { LOG_KEEP } from "../db/instance-runs";

let t: TestApp;
let op: Login;

async function setup(env: TestEnv = testEnv(), wrap?: (l: DryRunLoader) => Loader) {
  ({ t, op } = await activeProfileApp(env, undefined, wrap));
  await addUser(t.app, "vera", "viewer");
}

afterEach(async () => {
  await t?.app.close();
  t?.env.cleanup();
});

const post = (url: string) => t.app.inject({ method: "POST", url, headers: op.headers });
const reach = (name: string, s: string, ms = 5000) =>
  until(
    () => (t.app.tessera.instances.view(name).state === s ? true : undefined),
    ms,
    `${name} ${s}`,
  );

interface Phase {
  phase: string;
  at: string;
}
interface Line {
  id: number;
  epoch: string;
  seq: number;
  at: string;
  stream: string;
  line: string;
}

async function phasesOf(name: string): Promise<Phase[]> {
  const res = await t.app.inject({ url: "/api/instances", headers: op.headers });
  const list = res.json().instances as { name: string; phases: Phase[] }[];
  return list.find((i) => i.name === name)!.phases;
}

async function logOf(name: string, query = "", headers = op.headers) {
  const res = await t.app.inject({ url: `/api/instances/${name}/log${query}`, headers });
  return res;
}

const BOOT = ["loading-image", "purgatory", "ipi-sent", "kernel-booting", "userspace-up"];

describe("run history", () => {
  it("lists each phase reached with its time, keeps them across a restart, and a new start clears them", async () => {
    const env = testEnv();
    await setup(env);
    expect(await phasesOf("os2")).toEqual([]);
    const before = Date.now();
    await post("/api/instances/os2/start");
    await reach("os2", "running");
    const phases = await phasesOf("os2");
    expect(phases.map((p) => p.phase)).toEqual([...BOOT, "running"]);
    const times = phases.map((p) => Date.parse(p.at));
    expect(times.every((x) => x >= before - 1 && x <= Date.now())).toBe(true);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // the snapshot a WebSocket client gets carries the same history
    expect(t.app.tessera.instances.view("os2").phases).toEqual(phases);

    // the agent restarts on the same data directory: the history is still there
    await t.app.close();
    await setup(env);
    expect(await phasesOf("os2")).toEqual(phases);

    await post("/api/instances/os2/stop");
    await reach("os2", "stopped");
    const mark = Date.now();
    await post("/api/instances/os2/start");
    await reach("os2", "running");
    const again = await phasesOf("os2");
    expect(again.map((p) => p.phase)).toEqual([...BOOT, "running"]);
    expect(Date.parse(again[0]!.at)).toBeGreaterThanOrEqual(mark - 1);
  }, 20_000);

  it("a failed start keeps the phase it failed at with its time", async () => {
    await setup();
    t.loader.inject({ instance: "os2", at: "kernel-booting", kind: "fail" });
    await post("/api/instances/os2/start");
    await reach("os2", "failed");
    const phases = await phasesOf("os2");
    expect(phases.map((p) => p.phase)).toEqual(BOOT.slice(0, 4));
    expect(t.app.tessera.instances.view("os2").phase).toBe("kernel-booting");
  });

  it("serves the run's log: loader lines and state changes under their live seq, after a restart too", async () => {
    const env = testEnv();
    await setup(env);
    await post("/api/instances/os2/start");
    await reach("os2", "running");
    const res = await logOf("os2");
    expect(res.statusCode).toBe(200);
    const body = res.json() as { epoch: string; seq: number; lines: Line[]; more: boolean };
    expect(body.epoch).toBe(t.app.tessera.hub.epoch);
    const texts = body.lines.map((l) => `${l.stream} ${l.line}`);
    // the loader echoes the command line, but never the guest's token to readers of the log
    const token = t.app.tessera.db
      .prepare("SELECT token FROM instances WHERE name = 'os2'")
      .get() as {
      token: string;
    };
    expect(texts.some((x) => x.includes("tessera.token=…"))).toBe(true);
    expect(texts.some((x) => x.includes(token.token))).toBe(false);
    expect(texts[0]).toBe("event defined → loading");
    expect(texts.some((x) => /^loader \[dry-run\].*kernel/i.test(x))).toBe(true);
    expect(texts.some((x) => /^event \w+ → running \(running\)$/.test(x))).toBe(true);
    // every line carries the seq it was announced with, all within what the reader saw
    const seqs = body.lines.map((l) => l.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(Math.max(...seqs)).toBeLessThanOrEqual(body.seq);
    expect(body.lines.every((l) => l.epoch === body.epoch)).toBe(true);
    // since=<id>: only what came after that line
    const third = body.lines[2]!;
    const after = (await logOf("os2", `?since=${third.id}`)).json() as { lines: Line[] };
    expect(after.lines).toEqual(body.lines.slice(3));
    // a viewer may read it; an unknown instance is a 404; a bad cursor a 400
    const vera = await login(t.app, "vera");
    expect((await logOf("os2", "", vera.headers)).statusCode).toBe(200);
    expect((await logOf("os9")).json().error.code).toBe("INSTANCE-NOT-FOUND");
    expect((await logOf("os2", "?since=-1")).statusCode).toBe(400);

    await t.app.close();
    await setup(env);
    const later = (await logOf("os2")).json() as { epoch: string; lines: Line[] };
    expect(later.epoch).not.toBe(body.epoch);
    expect(later.lines).toEqual(body.lines);
    // a new start begins a new log
    await post("/api/instances/os2/stop");
    await reach("os2", "stopped");
    await post("/api/instances/os2/start");
    await reach("os2", "running");
    const fresh = (await logOf("os2")).json() as { lines: Line[] };
    expect(fresh.lines[0]!.line).toBe("stopped → loading");
    expect(fresh.lines.some((l) => body.lines.some((b) => b.id === l.id))).toBe(false);
  });

  it("keeps the last LOG_KEEP lines of a chatty loader, oldest dropped first", async () => {
    const chatty = 2 * LOG_KEEP;
    // TEST DOUBLE around the real dry-run loader: its load prints `chatty` lines first.
    await setup(testEnv(), (dry) => ({
      ...dry,
      kind: dry.kind,
      load: async function* (plan, opts): AsyncIterable<LoaderEvent> {
        for (let i = 0; i < chatty; i++)
          yield { type: "log", stream: "stdout", line: `chatter ${i}`, at: Date.now() };
        yield* dry.load(plan, opts);
      },
      start: (n, o) => dry.start(n, o),
      stop: (n, o) => dry.stop(n, o),
      forceStop: (n, o) => dry.forceStop(n, o),
      status: (n) => dry.status(n),
      statusAll: () => dry.statusAll(),
    }));
    await post("/api/instances/os2/start");
    await reach("os2", "running");
    const all = (await logOf("os2")).json() as { lines: Line[]; more: boolean };
    expect(all.lines).toHaveLength(LOG_KEEP);
    expect(all.more).toBe(false);
    expect(all.lines.some((l) => /→ running/.test(l.line))).toBe(true);
    expect(all.lines.some((l) => l.line === `chatter ${chatty - 1}`)).toBe(true);
    expect(all.lines.some((l) => l.line === "chatter 0")).toBe(false);
    const rows = t.app.tessera.db
      .prepare("SELECT count(*) AS n FROM instance_log WHERE name = 'os2'")
      .get() as { n: number };
    expect(rows.n).toBe(LOG_KEEP);
    const tail = (await logOf("os2", "?limit=10")).json() as { lines: Line[]; more: boolean };
    expect(tail.lines).toEqual(all.lines.slice(-10));
    expect(tail.more).toBe(true);
    // Each line is a durable SQLite write (synchronous=FULL): seconds on a loaded machine.
  }, 30_000);
});
