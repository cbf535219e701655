// Guest heartbeats on the live stream, against a real listening server on loopback and the
// real dry-run loader (its simulated guest beats every 50 ms here): each beat is persisted,
// then announced as `guest-heartbeat` outside the sequence, coalesced; a resuming client gets
// the latest beat per instance, not every beat it missed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  activeProfileApp,
  openLive,
  until,
  type Login,
  type TestApp,
} from "../../../../test/integration/helpers";

let t: TestApp;
let op: Login;
let base: string;

beforeAll(async () => {
  ({ t, op } = await activeProfileApp());
  base = await t.app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await t.app.close();
  t.env.cleanup();
});

const open = (query = "") => openLive(base, op, query);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const state = (n: string) => t.app.tessera.instances.view(n).state;

describe("guest heartbeats on the live stream", () => {
  it("announces each instance's heartbeats live, coalesced, without using sequence numbers", async () => {
    const c = await open();
    await t.app.inject({ method: "POST", url: "/api/instances/os2/start", headers: op.headers });
    await until(() => (state("os2") === "running" ? true : undefined), 5000, "os2 running");
    const seqAtRun = t.app.tessera.hub.seq;
    const from = c.messages.length;
    await sleep(1200);
    const beats = c.messages.slice(from).filter((m) => m.type === "guest-heartbeat");
    // 50 ms beats for 1.2 s (~24), sent at most every 500 ms
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats.length).toBeLessThanOrEqual(4);
    expect(beats.every((b) => b.name === "os2" && b.seq === undefined)).toBe(true);
    const last = beats.at(-1)!.at as string;
    expect(Date.now() - Date.parse(last)).toBeLessThan(1000);
    // persisted: the view (and so GET /api/instances and the snapshot) agrees
    const stored = t.app.tessera.instances.view("os2").lastHeartbeat!;
    expect(Date.parse(stored)).toBeGreaterThanOrEqual(Date.parse(last));
    // no beat took a sequence number or a place in the resume window
    expect(t.app.tessera.hub.seq).toBe(seqAtRun);
    c.ws.close();
  });

  it("a resuming client gets its missed events, then only the latest beat of each instance", async () => {
    const c = await open();
    await until(() => (c.messages.length ? true : undefined));
    const snap = c.messages[0] as { seq: number; epoch: string };
    c.ws.close();
    await sleep(700); // ~14 beats of os2 missed
    const r = await open(`?since=${snap.seq}&epoch=${snap.epoch}`);
    await until(() => (r.messages.some((m) => m.type === "guest-heartbeat") ? true : undefined));
    await sleep(100);
    expect(r.messages[0]).toMatchObject({ type: "resumed", to: snap.seq });
    // nothing sequenced was missed: the latest beat follows the resume at once
    expect(r.messages[1]).toMatchObject({ type: "guest-heartbeat", name: "os2" });
    const replayed = r.messages.filter(
      (m) => m.type === "guest-heartbeat" && Date.now() - Date.parse(m.at as string) > 60,
    );
    expect(replayed.length).toBeLessThanOrEqual(1);
    const first = r.messages.find((m) => m.type === "guest-heartbeat")!;
    expect(first.name).toBe("os2");
    r.ws.close();

    // after a stop, a resuming client is not told of a beat from before it
    await t.app.inject({ method: "POST", url: "/api/instances/os2/stop", headers: op.headers });
    await until(() => (state("os2") === "stopped" ? true : undefined), 5000, "os2 stopped");
    const seq = t.app.tessera.hub.seq;
    const s = await open(`?since=${seq}&epoch=${snap.epoch}`);
    await sleep(300);
    expect(s.messages[0]).toMatchObject({ type: "resumed", from: seq + 1, to: seq });
    expect(s.messages.filter((m) => m.type === "guest-heartbeat")).toEqual([]);
    s.ws.close();
  });
});
