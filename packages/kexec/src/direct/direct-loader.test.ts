// The direct loader against a temp tree standing in for OS1 (test/direct-host.ts: TEST
// DOUBLES for /proc, /sys, /dev/mem and the APIC helper). The bytes it writes are checked at
// their physical offsets in the sparse file; the QEMU proof boots real kernels with them.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { collect } from "../event-stream";
import type { GuestEvent, LoaderEvent } from "../types";
import { makeHost, type Host } from "../../test/direct-host";
import { createDirectLoader, type DirectLoader } from "./direct-loader";
import { buildDirectImages } from "./images";
import { MAILBOX_MAGIC } from "./mailbox";
import { buildTrampoline } from "./trampoline";

const loaders: DirectLoader[] = [];
afterEach(async () => {
  for (const l of loaders.splice(0)) await l.close();
});

function loader(h: Host, extra: Parameters<typeof createDirectLoader>[0] = {}) {
  const events: GuestEvent[] = [];
  const l = createDirectLoader({ ...h.config, onGuestEvent: (e) => events.push(e), ...extra });
  loaders.push(l);
  return { l, events };
}

const result = (ev: LoaderEvent[]) => ev[ev.length - 1]!;
const phases = (ev: LoaderEvent[]) => ev.flatMap((e) => (e.type === "phase" ? [e.phase] : []));
async function until(cond: () => boolean | Promise<boolean>, ms = 3000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
function failure(ev: LoaderEvent[]) {
  const r = result(ev);
  if (r.type !== "result" || r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
  return r.error;
}
/** Nothing of the successor was written: its first page, low slice, mailbox and 0x380. */
function untouched(h: Host) {
  const zero = (b: Buffer) => b.every((x) => x === 0);
  expect(zero(h.read(0x40000000n, 4096))).toBe(true);
  expect(zero(h.read(0x80000n, 4096))).toBe(true);
  expect(zero(h.read(0x3ffff000n, 4096))).toBe(true);
  expect(zero(h.read(0x380n, 128))).toBe(true);
  expect(h.ipis()).toEqual([]);
}

const MB2 = 0x3ffff000n;

describe("direct loader: load", () => {
  it("writes zero page, command line, kernel, initrd, trampoline and a fresh mailbox at their physical addresses", async () => {
    const h = await makeHost();
    const { l } = loader(h);
    const ev = await collect(l.load(h.os2()));
    expect(result(ev)).toMatchObject({ ok: true });
    expect(phases(ev)).toEqual(["loading-image"]);
    const kernel = readFileSync(h.kernel);
    const initrd = readFileSync(h.initrd);
    const want = buildDirectImages({ plan: h.os2(), kernel, initrd });
    for (const w of want.writes)
      expect(h.read(w.address, w.bytes.length).equals(Buffer.from(w.bytes))).toBe(true);
    // the same bytes, read as the kernel will read them
    const zp = h.read(0x40000000n, 4096);
    expect(zp.readUInt8(0x210)).toBe(0xff);
    expect(zp.readUInt32LE(0x214)).toBe(0x40200000);
    expect(zp.readUInt32LE(0x228)).toBe(0x40001000);
    expect(zp.readUInt32LE(0x218)).toBe(0x44198000);
    expect(zp.readUInt32LE(0x21c)).toBe(0x3000);
    expect(zp.readUInt8(0x1e8)).toBe(2);
    expect(h.read(0x40001000n, h.os2().cmdline.length + 1).toString("latin1")).toBe(
      h.os2().cmdline + "\0",
    );
    expect(h.read(0x40200000n, 0x20000).equals(kernel.subarray(5 * 512))).toBe(true);
    expect(h.read(0x44198000n, 0x3000).equals(initrd)).toBe(true);
    expect(h.read(0x80000n, 0x66).equals(buildTrampoline(0x80000n, 0x40000000n, 0x40200000n))).toBe(
      true,
    );
    expect(h.u32(MB2)).toBe(MAILBOX_MAGIC);
    expect(h.u32(MB2 + 4n)).toBe(1);
    // the MP table waits for start; no IPI at load
    expect(h.read(0x380n, 128).every((b) => b === 0)).toBe(true);
    expect(h.ipis()).toEqual([]);
    expect(await l.status("os2")).toEqual({ name: "os2", state: "loaded", phase: "loading-image" });
  });

  it("refuses a second load of a loaded instance and a successor sharing its cores", async () => {
    const h = await makeHost();
    const { l } = loader(h);
    await collect(l.load(h.os2()));
    expect(failure(await collect(l.load(h.os2()))).code).toBe("LOADER-BAD-STATE");
    expect(failure(await collect(l.load(h.os3({ cpus: [2], bsp: 2 })))).code).toBe(
      "LOADER-CPU-IN-USE",
    );
  });
});

describe("direct loader: refusals before anything is written", () => {
  const cases: [
    string,
    () => Parameters<typeof makeHost>[0] | null,
    string,
    RegExp,
    ((h: Host) => object)?,
  ][] = [
    [
      "OS1 lacks its options",
      () => ({ cmdline: "root=/dev/sda1 ro" }),
      "LOADER-OS1-OPTION",
      /without iomem=relaxed, hpet=disable, maxcpus=N/,
    ],
    [
      "the range is OS1's System RAM",
      () => ({
        iomem:
          "00000000-00000fff : Reserved\n00070000-0008ffff : Reserved\n00100000-7fffffff : System RAM\n",
      }),
      "LOADER-NOT-RESERVED",
      /os2's range 0x40000000-0x5fffffff overlaps OS1's System RAM 0x100000-0x7fffffff.*os2's mailbox/,
    ],
    [
      "the low slice is OS1's System RAM",
      () => ({
        iomem:
          "00000000-00000fff : Reserved\n00001000-0009ffff : System RAM\n3fffe000-3fffffff : Reserved\n",
      }),
      "LOADER-NOT-RESERVED",
      /low slice 0x80000-0x8ffff/,
    ],
    [
      "a target core is online",
      () => ({
        cpuinfo: "processor\t: 0\napicid\t\t: 0\n\nprocessor\t: 1\napicid\t\t: 2\n\n",
        online: [1],
      }),
      "LOADER-CPU-ONLINE",
      /LAPIC ID 2 are online in OS1/,
    ],
    [
      "/dev/mem is missing",
      () => null,
      "LOADER-NO-DEVMEM",
      /does not exist/,
      (h) => ({ devMem: join(h.dir, "no-mem") }),
    ],
    [
      "x2APIC without the msr device",
      () => ({
        cmdline: "maxcpus=1 iomem=relaxed hpet=disable",
        cpuinfo: "processor\t: 0\napicid\t\t: 0\nflags\t\t: apic x2apic\n\n",
      }),
      "LOADER-NO-MSR",
      /modprobe msr/,
    ],
    [
      "the compiler is missing",
      () => null,
      "LOADER-TOOL-MISSING",
      /"\/nonexistent\/cc" was not found/,
      (h) => ({
        apicHelper: undefined,
        cc: "/nonexistent/cc",
        helperCacheDir: join(h.dir, "cache"),
      }),
    ],
  ];
  for (const [what, hostOpts, code, message, extra] of cases) {
    it(`${what}: ${code}`, async () => {
      const h = await makeHost(hostOpts() ?? {});
      const { l } = loader(h, extra?.(h) ?? {});
      const err = failure(await collect(l.load(h.os2())));
      expect(err.code).toBe(code);
      expect(err.message).toMatch(message);
      untouched(h);
      expect(await l.status("os2")).toEqual({ name: "os2", state: "absent" });
    });
  }

  it("the kernel is not a bzImage: LOADER-KERNEL with the reader's reason", async () => {
    const h = await makeHost();
    writeFileSync(h.kernel, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(4096)]));
    const err = failure(await collect(loader(h).l.load(h.os2())));
    expect(err.code).toBe("LOADER-KERNEL");
    expect(err.message).toMatch(/gzip data.*KERNEL-INITRD/);
    untouched(h);
  });

  it("the range is too small: LOADER-RANGE-TOO-SMALL", async () => {
    const h = await makeHost();
    const plan = h.os2({
      memMax: 0x40000000n + 0x4000000n - 1n,
      memory: [{ start: 0x40000000n, size: 0x4000000n }],
    });
    const err = failure(await collect(loader(h).l.load(plan)));
    expect(err.code).toBe("LOADER-RANGE-TOO-SMALL");
    untouched(h);
  });

  it("a plan made without the direct part: LOADER-PLAN-INCOMPLETE", async () => {
    const h = await makeHost();
    const { direct: _direct, ...plain } = h.os2();
    const err = failure(await collect(loader(h).l.load(plain)));
    expect(err.code).toBe("LOADER-PLAN-INCOMPLETE");
    untouched(h);
  });
});

describe("direct loader: start, mailbox, stop", () => {
  it("start writes the MP table, sends INIT-SIPI-SIPI to the BSP, and the mailbox drives boot-complete and heartbeats", async () => {
    const h = await makeHost();
    const { l, events } = loader(h);
    await collect(l.load(h.os2()));
    const ev = await collect(l.start("os2"));
    expect(result(ev)).toMatchObject({ ok: true });
    expect(phases(ev)).toEqual(["ipi-sent", "kernel-booting"]);
    expect(h.read(0x380n, 4).toString("latin1")).toBe("_MP_");
    expect(h.read(0x390n, 4).toString("latin1")).toBe("PCMP");
    expect(h.read(0x390n + 44n, 2)).toEqual(Buffer.from([0, 1])); // BSP 1 first
    expect(h.ipis()).toEqual([["1:0x4500:10000", "1:0x4680:200", "1:0x4680:0"]]);
    // OS1's own LINT0 is masked (on each of its online CPUs) before the successor is woken.
    expect(h.helperRuns()[0]).toEqual(["--mask-lint0", "0"]);
    expect(h.read(0xfee00350n, 4).readUInt32LE() & 0x10000).toBe(0x10000);
    expect((await l.status("os2")).state).toBe("starting");

    // the guest (simulated here by writing its mailbox fields)
    h.setU32(MB2 + 0x14n, 1);
    h.setU32(MB2 + 0x08n, 1);
    await until(async () => (await l.status("os2")).phase === "userspace-up");
    h.setU32(MB2 + 0x08n, 2);
    await until(() => events.some((e) => e.type === "boot-complete"));
    expect((await l.status("os2")).state).toBe("running");
    h.setU32(MB2 + 0x0cn, 1);
    await until(() => events.filter((e) => e.type === "heartbeat").length === 1);
    h.setU32(MB2 + 0x0cn, 2);
    await until(() => events.filter((e) => e.type === "heartbeat").length === 2);
    expect(events.every((e) => e.name === "os2")).toBe(true);
  });

  it("a guest that reports no local APIC timer (state 4) is parked with INIT and failed with the reason", async () => {
    const h = await makeHost();
    const { l, events } = loader(h);
    await collect(l.load(h.os2()));
    await collect(l.start("os2"));
    h.setU32(MB2 + 0x08n, 4);
    await until(() => events.some((e) => e.type === "crashed"));
    const crashed = events.find((e) => e.type === "crashed")!;
    expect(crashed.name).toBe("os2");
    expect(crashed.reason).toMatch(/disabled its local APIC timer/);
    expect(h.ipis().at(-1)).toEqual(["1:0x4500:0", "2:0x4500:0"]);
    expect((await l.status("os2")).state).toBe("failed");
  });

  it("a second successor starts only after the first has reported LVT0 masked; then the MP table is its own", async () => {
    const h = await makeHost();
    const { l } = loader(h, { earlyBootTimeoutMs: 300 });
    await collect(l.load(h.os2()));
    await collect(l.load(h.os3()));
    await collect(l.start("os2"));
    const mpBefore = h.read(0x380n, 128);
    const err = failure(await collect(l.start("os3")));
    expect(err.code).toBe("LOADER-EARLY-BOOT-WAIT");
    expect(err.message).toMatch(/^os2 has not reported LVT0 masked/);
    expect(h.read(0x380n, 128).equals(mpBefore)).toBe(true);
    expect(h.ipis()).toHaveLength(1);
    expect((await l.status("os3")).state).toBe("loaded");

    h.setU32(MB2 + 0x14n, 1);
    expect(result(await collect(l.start("os3")))).toMatchObject({ ok: true });
    expect(h.read(0x390n + 44n, 4)).toEqual(Buffer.from([0, 3, 0x14, 0x03]));
    expect(h.ipis()[1]).toEqual(["3:0x4500:10000", "3:0x4670:200", "3:0x4670:0"]);
  });

  it("stop: writes the stop request, waits for the acknowledgement, then INITs every core", async () => {
    const h = await makeHost();
    const { l } = loader(h);
    await collect(l.load(h.os2()));
    await collect(l.start("os2"));
    const stopping = collect(l.stop("os2"));
    await until(() => h.u32(MB2 + 0x10n) === 1);
    expect(h.ipis()).toHaveLength(1); // nothing parked before the guest acknowledges
    h.setU32(MB2 + 0x08n, 3);
    const ev = await stopping;
    expect(result(ev)).toMatchObject({ ok: true });
    expect(phases(ev)).toEqual(["stopping", "stopped"]);
    expect(h.ipis()[1]).toEqual(["1:0x4500:0", "2:0x4500:0"]);
    expect((await l.status("os2")).state).toBe("stopped");
  });

  it("stop without an acknowledgement: LOADER-STOP-UNACKED, no INIT, still running; force-stop parks at once", async () => {
    const h = await makeHost();
    const { l } = loader(h, { stopTimeoutMs: 200 });
    await collect(l.load(h.os2()));
    await collect(l.start("os2"));
    h.setU32(MB2 + 0x08n, 2);
    await until(async () => (await l.status("os2")).state === "running");
    const err = failure(await collect(l.stop("os2")));
    expect(err.code).toBe("LOADER-STOP-UNACKED");
    expect(h.ipis()).toHaveLength(1);
    expect((await l.status("os2")).state).toBe("running");
    const ev = await collect(l.forceStop("os2"));
    expect(result(ev)).toMatchObject({ ok: true });
    expect(h.ipis()[1]).toEqual(["1:0x4500:0", "2:0x4500:0"]);
    expect((await l.status("os2")).state).toBe("stopped");
  });

  it("restart: load again clears the mailbox the stopped guest left behind, then start sends the IPIs again", async () => {
    const h = await makeHost();
    const { l } = loader(h);
    await collect(l.load(h.os2()));
    await collect(l.start("os2"));
    h.setU32(MB2 + 0x0cn, 41);
    h.setU32(MB2 + 0x14n, 1);
    await collect(l.forceStop("os2"));
    h.setU32(MB2 + 0x10n, 1);
    expect(result(await collect(l.load(h.os2())))).toMatchObject({ ok: true });
    expect([0x08n, 0x0cn, 0x10n, 0x14n].map((o) => h.u32(MB2 + o))).toEqual([0, 0, 0, 0]);
    expect(result(await collect(l.start("os2")))).toMatchObject({ ok: true });
    expect(h.ipis()).toHaveLength(3);
  });

  it("a failing helper is LOADER-IPI and the instance is unknown (part of the sequence may have landed)", async () => {
    const h = await makeHost();
    const { l } = loader(h);
    await collect(l.load(h.os2()));
    writeFileSync(join(h.dir, "apic-fail"), "");
    const err = failure(await collect(l.start("os2")));
    expect(err.code).toBe("LOADER-IPI");
    expect(err.message).toMatch(/exit 4.*still pending/);
    expect((await l.status("os2")).state).toBe("unknown");
    rmSync(join(h.dir, "apic-fail"));
  });

  it("the state file tells a new loader (an agent restart) what runs, and it keeps polling its mailbox", async () => {
    const h = await makeHost();
    const statePath = join(h.dir, "state", "direct.json");
    const first = loader(h, { statePath });
    await collect(first.l.load(h.os2()));
    await collect(first.l.start("os2"));
    await first.l.close();
    const second = loader(h, { statePath });
    expect(await second.l.statusAll()).toEqual([
      { name: "os2", state: "starting", phase: "kernel-booting" },
    ]);
    h.setU32(MB2 + 0x08n, 2);
    await until(() => second.events.some((e) => e.type === "boot-complete"));
    expect((await second.l.status("os2")).state).toBe("running");
    expect(result(await collect(second.l.forceStop("os2")))).toMatchObject({ ok: true });
  });
});
