// The stream helper's guarantees: exactly one result, thrown errors become results, a
// consumer that stops early cancels the work, and the serializing mutex keeps order.
import { describe, expect, it } from "vitest";
import { collect, Mutex, sleep, step } from "./event-stream";

describe("step streams", () => {
  it("a body that throws a plain error ends in one LOADER-INTERNAL result", async () => {
    const ev = await collect(
      step(async (ctx) => {
        ctx.phase("loading-image");
        throw new Error("boom");
      }),
    );
    expect(ev.map((e) => e.type)).toEqual(["phase", "result"]);
    expect(ev[1]).toMatchObject({
      ok: false,
      error: { code: "LOADER-INTERNAL", phase: "loading-image" },
    });
  });

  it("events after a timeout are dropped: still exactly one result", async () => {
    const ev = await collect(
      step(
        async (ctx) => {
          await new Promise((r) => setTimeout(r, 80));
          ctx.log("late");
        },
        { timeoutMs: 20 },
      ),
    );
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ type: "result", ok: false, error: { code: "LOADER-TIMEOUT" } });
  });

  it("an already-aborted signal cancels before the body runs", async () => {
    let ran = false;
    const ev = await collect(step(async () => void (ran = true), { signal: AbortSignal.abort() }));
    expect(ran).toBe(false);
    expect(ev).toEqual([
      expect.objectContaining({
        type: "result",
        ok: false,
        error: expect.objectContaining({ code: "LOADER-CANCELLED" }),
      }),
    ]);
  });

  it("a consumer that stops reading aborts the body's signal", async () => {
    let aborted = false;
    const s = step(async (ctx) => {
      ctx.phase("loading-image");
      try {
        await sleep(1000, ctx.signal);
      } catch {
        aborted = ctx.signal.aborted;
      }
    });
    for await (const e of s) {
      expect(e.type).toBe("phase");
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
    expect(aborted).toBe(true);
  });
});

describe("Mutex", () => {
  it("runs holders in order, and a waiter that gives up does not block the rest", async () => {
    const m = new Mutex();
    const order: string[] = [];
    const r1 = await m.lock();
    const ac = new AbortController();
    const quitter = m.lock(ac.signal).then(
      () => order.push("quitter"),
      () => order.push("quitter gave up"),
    );
    const third = m.lock().then((release) => {
      order.push("third");
      release();
    });
    ac.abort();
    await quitter;
    order.push("first done");
    r1();
    await third;
    expect(order).toEqual(["quitter gave up", "first done", "third"]);
  });
});
