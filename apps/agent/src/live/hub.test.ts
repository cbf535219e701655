import { describe, expect, it } from "vitest";
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

const ev = (n: number) => ({
  type: "log",
  at: "2026-01-01T00:00:00.000Z",
  name: "os2",
  stream: "loader",
  line: `line ${n}`,
});

describe("live hub", () => {
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
});
