// The dry-run simulator: it must refuse what a real loader refuses, walk the real phases,
// inject faults on request, and keep its state across a restart.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseMachine, type Machine } from "@tessera/core";
import { afterEach, describe, expect, it } from "vitest";
import { successor } from "../test/plan-fixture";
import { createDryRunLoader, type DryRunLoader } from "./dry-run-loader";
import { collect } from "./event-stream";
import { createLoader } from "./create-loader";
import type { GuestEvent, LoaderEvent } from "./types";

const raw = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../../examples/machine.json", import.meta.url)), "utf8"),
);
const parsed = parseMachine(raw);
if (!parsed.ok) throw new Error("examples/machine.json does not parse");
const machine: Machine = parsed.value;

const ZERO = {
  "loading-image": 0,
  purgatory: 0,
  "ipi-sent": 0,
  "kernel-booting": 0,
  "userspace-up": 0,
  running: 0,
};
const open: DryRunLoader[] = [];
function sim(over: Partial<Parameters<typeof createDryRunLoader>[0]> = {}) {
  const l = createDryRunLoader({ machine, onlineCpus: [0, 1], delays: ZERO, ...over });
  open.push(l);
  return l;
}
afterEach(() => {
  for (const l of open.splice(0)) l.close();
});

const phases = (ev: LoaderEvent[]) =>
  ev.filter((e) => e.type === "phase").map((e) => (e as { phase: string }).phase);
const result = (ev: LoaderEvent[]) => {
  expect(ev.filter((e) => e.type === "result")).toHaveLength(1);
  return ev.at(-1) as Extract<LoaderEvent, { type: "result" }>;
};

describe("dry-run loader", () => {
  it("walks the real phases from load to running, with the guest's boot-complete", async () => {
    const guest: GuestEvent[] = [];
    const l = sim({ onGuestEvent: (e) => guest.push(e), heartbeatMs: 20 });
    const load = await collect(l.load(successor()));
    expect(phases(load)).toEqual(["loading-image", "purgatory"]);
    expect(result(load).ok).toBe(true);
    expect(await l.status("web")).toMatchObject({ state: "loaded" });
    const start = await collect(l.start("web"));
    expect(phases(start)).toEqual(["ipi-sent", "kernel-booting", "userspace-up", "running"]);
    expect(await l.status("web")).toMatchObject({ state: "running", phase: "running" });
    await new Promise((r) => setTimeout(r, 70));
    expect(guest[0]).toMatchObject({ name: "web", type: "boot-complete" });
    expect(guest.filter((g) => g.type === "heartbeat").length).toBeGreaterThanOrEqual(2);
  });

  it("streams a loader log for each phase, marked as the simulator's", async () => {
    const l = sim();
    const s = successor();
    const logs = (ev: LoaderEvent[]) =>
      ev.filter((e) => e.type === "log").map((e) => (e as { line: string }).line);
    const load = logs(await collect(l.load(s)));
    expect(load[0]).toBe(
      `[dry-run] loading ${s.kernel} into 0x${s.memMin.toString(16)}-0x${s.memMax.toString(16)} (--mem-min/--mem-max)`,
    );
    expect(load).toContain(`[dry-run] command line: ${s.cmdline}`);
    const start = logs(await collect(l.start("web")));
    expect(start).toContain(`[dry-run] INIT/SIPI sent to LAPIC ${s.bsp}`);
    expect(start.every((line) => line.startsWith("[dry-run] "))).toBe(true);
  });

  it("delays make the phases take real time", async () => {
    const l = sim({ delays: { ...ZERO, "loading-image": 60, purgatory: 40 } });
    const t0 = Date.now();
    await collect(l.load(successor()));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(95);
  });

  it("refuses a core online in OS1 (LOADER-CPU-ONLINE), and again at start if it came back", async () => {
    const l = sim({ onlineCpus: [0, 1, 2] });
    expect(result(await collect(l.load(successor())))).toMatchObject({
      ok: false,
      error: { code: "LOADER-CPU-ONLINE" },
    });
    expect(await l.status("web")).toEqual({ name: "web", state: "absent" });
    l.setOnlineCpus([0, 1]);
    await collect(l.load(successor()));
    l.setOnlineCpus([0, 1, 3]);
    expect(result(await collect(l.start("web")))).toMatchObject({
      ok: false,
      error: { code: "LOADER-CPU-ONLINE" },
    });
  });

  it("refuses a range or a core held by a running instance", async () => {
    const l = sim();
    await collect(l.load(successor()));
    await collect(l.start("web"));
    const sameRange = successor({
      name: "db",
      bsp: 4,
      cpus: [4, 5],
      cpuCount: 2,
      lowMemory: { start: 0x70000n, size: 0x10000n },
    });
    expect(result(await collect(l.load(sameRange)))).toMatchObject({
      ok: false,
      error: { code: "LOADER-RANGE-IN-USE" },
    });
    const sameCore = successor({
      name: "db",
      bsp: 3,
      cpus: [3],
      cpuCount: 1,
      memory: [{ start: 0x60000000n, size: 0x10000000n }],
      lowMemory: { start: 0x70000n, size: 0x10000n },
    });
    expect(result(await collect(l.load(sameCore)))).toMatchObject({
      ok: false,
      error: { code: "LOADER-CPU-IN-USE" },
    });
    // Once web is stopped its cores and ranges are free again.
    await collect(l.stop("web"));
    expect(result(await collect(l.load(sameRange))).ok).toBe(true);
  });

  it("refuses a range outside usable RAM and a core the machine lacks", async () => {
    const l = sim();
    const mmio = successor({ memory: [{ start: 0xfec00000n, size: 0x100000n }] });
    expect(result(await collect(l.load(mmio)))).toMatchObject({
      ok: false,
      error: { code: "LOADER-EINVAL" },
    });
    expect(result(await collect(l.load(successor({ cpus: [99], bsp: 99 }))))).toMatchObject({
      ok: false,
      error: { code: "LOADER-EINVAL" },
    });
  });

  it("refuses a second load while one is in flight (LOADER-BUSY)", async () => {
    const l = sim({ delays: { ...ZERO, "loading-image": 100 } });
    const first = collect(l.load(successor()));
    await new Promise((r) => setTimeout(r, 10));
    const other = successor({
      name: "db",
      bsp: 4,
      cpus: [4],
      cpuCount: 1,
      memory: [{ start: 0x60000000n, size: 0x10000000n }],
      lowMemory: { start: 0x70000n, size: 0x10000n },
    });
    expect(result(await collect(l.load(other)))).toMatchObject({
      ok: false,
      error: { code: "LOADER-BUSY" },
    });
    expect(result(await first).ok).toBe(true);
  });

  it("an injected fail stops at its phase with LOADER-FAULT and leaves the instance failed", async () => {
    const l = sim();
    l.inject({ at: "kernel-booting", kind: "fail" });
    await collect(l.load(successor()));
    const ev = await collect(l.start("web"));
    expect(phases(ev)).toEqual(["ipi-sent", "kernel-booting"]);
    expect(result(ev)).toMatchObject({
      ok: false,
      error: { code: "LOADER-FAULT", phase: "kernel-booting" },
    });
    expect(await l.status("web")).toMatchObject({ state: "failed", phase: "kernel-booting" });
    l.clearFaults();
    await collect(l.forceStop("web"));
    await collect(l.load(successor()));
    expect(result(await collect(l.start("web"))).ok).toBe(true);
  });

  it("an injected hang ends in LOADER-TIMEOUT within the step's limit", async () => {
    const l = sim({ faults: [{ instance: "web", at: "purgatory", kind: "hang" }] });
    const t0 = Date.now();
    const r = result(await collect(l.load(successor(), { timeoutMs: 150 })));
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r).toMatchObject({ ok: false, error: { code: "LOADER-TIMEOUT", phase: "purgatory" } });
    expect(await l.status("web")).toMatchObject({ state: "failed" });
  });

  it("a crash while running turns the instance failed and tells the guest listener", async () => {
    const guest: GuestEvent[] = [];
    const l = sim({ onGuestEvent: (e) => guest.push(e), crashAfterMs: 30 });
    l.inject({ instance: "web", at: "running", kind: "crash-while-running" });
    await collect(l.load(successor()));
    expect(result(await collect(l.start("web"))).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 80));
    expect(await l.status("web")).toMatchObject({ state: "failed" });
    expect(guest.some((g) => g.type === "crashed" && g.name === "web")).toBe(true);
  });

  it("cancelling a start reports LOADER-CANCELLED; force-stop ends a start in flight", async () => {
    const l = sim({ delays: { ...ZERO, "kernel-booting": 500 } });
    await collect(l.load(successor()));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    expect(result(await collect(l.start("web", { signal: ac.signal })))).toMatchObject({
      ok: false,
      error: { code: "LOADER-CANCELLED" },
    });

    await collect(l.forceStop("web"));
    await collect(l.load(successor()));
    const starting = collect(l.start("web"));
    await new Promise((r) => setTimeout(r, 30));
    expect(result(await collect(l.forceStop("web"))).ok).toBe(true);
    expect(result(await starting).ok).toBe(false);
    expect(await l.status("web")).toMatchObject({ state: "stopped" });
  });

  it("stop walks stopping -> stopped; unknown instances are LOADER-ENOENT", async () => {
    const l = sim();
    await collect(l.load(successor()));
    await collect(l.start("web"));
    expect(phases(await collect(l.stop("web")))).toEqual(["stopping", "stopped"]);
    expect(result(await collect(l.stop("nope")))).toMatchObject({
      ok: false,
      error: { code: "LOADER-ENOENT" },
    });
    expect(result(await collect(l.start("nope")))).toMatchObject({
      ok: false,
      error: { code: "LOADER-NOT-LOADED" },
    });
  });

  it("keeps its state in statePath across a restart, like a real machine", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tessera-dry-"));
    try {
      const statePath = join(dir, "sim.json");
      const a = sim({ statePath });
      await collect(a.load(successor()));
      await collect(a.start("web"));
      a.close();
      const b = createLoader({ kind: "dry-run", machine, delays: ZERO, statePath });
      open.push(b);
      expect(await b.statusAll()).toEqual([{ name: "web", state: "running", phase: "running" }]);
      // Its cores and ranges are still held after the restart.
      expect(result(await collect(b.load(successor({ name: "again" }))))).toMatchObject({
        ok: false,
        error: { code: "LOADER-CPU-IN-USE" },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
