import { describe, expect, it } from "vitest";
import type { LogEvent } from "@tessera/core";
import { LiveHub, type LiveClient } from "./hub";

function client(buffered = 0): LiveClient & { got: string[]; closed: number | null } {
  const c = {
    got: [] as string[],
    closed: null as number | null,
    bufferedAmount: buffered,
    send(t: string) {
      c.got.push(t);
    },
    close(code: number) {
      c.closed = code;
    },
  };
  return c;
}

const ev = (n: number): LogEvent => ({
  type: "log",
  at: "2026-01-01T00:00:00.000Z",
  name: "os2",
  stream: "loader",
  line: `line ${n}`,
});

describe("live hub", () => {
  it("publishes only the protocol's events (tsc checks the expected errors)", () => {
    const hub = new LiveHub();
    const at = "2026-01-01T00:00:00.000Z";
    const profile = { type: "profile", at, id: "p", name: "lab", version: 2, by: "ann" } as const;
    hub.publish({ ...profile, action: "updated" });
    // @ts-expect-error: a profile event's action is one of PROFILE_ACTIONS
    hub.publish({ ...profile, action: "renamed" });
    // @ts-expect-error: an event type the protocol does not have
    hub.publish({ type: "gossip", at });
    // @ts-expect-error: an instance event without its view
    hub.publish({ type: "instance", at, name: "os2", state: "running", previous: "booting" });
    expect(hub.seq).toBe(4);
  });

  it("numbers events 1, 2, 3 … and sends each to every client", () => {
    const hub = new LiveHub();
    const a = client();
    const b = client();
    hub.add(a);
    hub.add(b);
    for (let i = 0; i < 3; i++) hub.publish(ev(i));
    expect(a.got.map((t) => JSON.parse(t).seq)).toEqual([1, 2, 3]);
    expect(b.got).toEqual(a.got);
  });

  it("gives a resuming client exactly what it missed, or null when too much was missed", () => {
    const hub = new LiveHub({ bufferSize: 5 });
    for (let i = 0; i < 8; i++) hub.publish(ev(i));
    expect(hub.since(hub.epoch, 6)!.map((t) => JSON.parse(t).seq)).toEqual([7, 8]);
    expect(hub.since(hub.epoch, 3)!.map((t) => JSON.parse(t).seq)).toEqual([4, 5, 6, 7, 8]);
    expect(hub.since(hub.epoch, 2)).toBeNull(); // 3 fell out of the buffer
    expect(hub.since(hub.epoch, 8)).toEqual([]);
    expect(hub.since("another-run", 6)).toBeNull();
    expect(hub.since(hub.epoch, 99)).toBeNull();
  });

  it("cuts off a client whose buffer is full instead of waiting for it", () => {
    const hub = new LiveHub({ maxBufferedBytes: 1000 });
    const slow = client(5000);
    const fast = client();
    hub.add(slow);
    hub.add(fast);
    hub.publish(ev(1));
    hub.publish(ev(2));
    expect(slow.closed).toBe(4408);
    expect(slow.got).toEqual([]);
    expect(fast.got).toHaveLength(2);
    expect(hub.size).toBe(1);
  });

  it("stores an event under its seq before sending it, and announces nothing when storing fails", () => {
    const hub = new LiveHub();
    const a = client();
    hub.add(a);
    const stored: number[] = [];
    hub.publish(ev(1), (seq) => {
      expect(a.got).toEqual([]); // not sent yet
      stored.push(seq);
    });
    expect(stored).toEqual([1]);
    expect(() =>
      hub.publish(ev(2), () => {
        throw new Error("disk full");
      }),
    ).toThrow("disk full");
    hub.publish(ev(3));
    expect(a.got.map((t) => JSON.parse(t).seq)).toEqual([1, 2]);
    expect(hub.since(hub.epoch, 0)!.map((t) => JSON.parse(t).line)).toEqual(["line 1", "line 3"]);
  });

  it("sends guest heartbeats outside the sequence, coalesced per instance, latest kept for resumes", () => {
    const hub = new LiveHub({ heartbeatGapMs: 500 });
    const a = client();
    hub.add(a);
    hub.publish(ev(1));
    const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
    for (let ms = 0; ms <= 1000; ms += 50) hub.guestHeartbeat("os2", at(ms));
    hub.guestHeartbeat("os3", at(20));
    const beats = a.got.slice(1).map((t) => JSON.parse(t));
    // 0, 500 and 1000 ms of os2, and os3's first: every other beat was coalesced
    expect(beats.map((b) => `${b.name}@${Date.parse(b.at) - Date.UTC(2026, 0, 1)}`)).toEqual([
      "os2@0",
      "os2@500",
      "os2@1000",
      "os3@20",
    ]);
    expect(beats.every((b) => b.type === "guest-heartbeat" && b.seq === undefined)).toBe(true);
    // the sequence and the resume window are untouched
    expect(hub.seq).toBe(1);
    expect(hub.since(hub.epoch, 0)).toHaveLength(1);
    hub.guestHeartbeat("os2", at(1020)); // coalesced, but it is the latest
    expect(hub.latestHeartbeats().map((t) => JSON.parse(t))).toEqual([
      { type: "guest-heartbeat", at: at(1020), name: "os2" },
      { type: "guest-heartbeat", at: at(20), name: "os3" },
    ]);
    hub.forgetHeartbeat("os2");
    expect(hub.latestHeartbeats().map((t) => JSON.parse(t).name)).toEqual(["os3"]);
  });
});
