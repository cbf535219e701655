// Platform facts for the direct loader: OS1's TSC frequency from real kernel logs, x2APIC
// from real cpuinfo files, and the live /dev/kmsg read without waiting.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { discoverMachine } from "./index";
import { KERNEL_LOG, platformFromText, tscKhzFromLog, x2apicFromCpuinfo } from "./platform";
import { TreeReader } from "./tree-reader";
import { importMachine } from "../importer/index";
import { fixture, QEMU_TREE } from "../../test/fixture-paths";

const text = (...p: string[]) => readFile(fixture(...p), "utf8");

describe("tscKhzFromLog on real kernel logs", () => {
  it("takes the refined calibration over the first estimate (PowerEdge T440, T630)", async () => {
    // "tsc: Detected 2300.000 MHz processor" ... "Refined TSC clocksource calibration: 2294.609 MHz"
    expect(tscKhzFromLog(await text("dell-poweredge-t440-xeon-gold-5118", "dmesg.txt"))).toBe(
      2294609,
    );
    expect(tscKhzFromLog(await text("dell-poweredge-t630-2s-xeon-e5-2603v4", "dmesg.txt"))).toBe(
      1698031,
    );
  });
  it("takes tsc_khz ('MHz TSC') over cpu_khz ('MHz processor') until the refinement (XPS 13)", async () => {
    const log = await text("dell-xps-13-9360-laptop", "dmesg.txt");
    expect(tscKhzFromLog(log)).toBe(2904009);
    // The same log as it stood in its first second, before "Refined TSC ... 2904.009 MHz".
    const early = log.slice(0, log.indexOf("tsc: Refined"));
    expect(early).toContain("tsc: Detected 2900.000 MHz processor");
    expect(tscKhzFromLog(early)).toBe(2899886);
  });
  it("reads logs without timestamps, and the processor line alone (ZenBook, Jailhouse cell)", async () => {
    expect(tscKhzFromLog(await text("asus-zenbook-ux391fa", "dmesg.normal-boot.txt"))).toBe(
      1991999,
    );
    expect(
      tscKhzFromLog(await text("jailhouse-nonroot-cell-linux-intel-host", "dmesg.non-root.txt")),
    ).toBe(2294579);
  });
  it("reads /dev/kmsg records and says null when the log has no tsc line", () => {
    expect(tscKhzFromLog("6,98,62,-;tsc: Detected 2600.000 MHz processor\n")).toBe(2600000);
    expect(tscKhzFromLog("[    0.0] clocksource: tsc: mask: 0xffffffffffffffff\n")).toBeNull();
    expect(tscKhzFromLog("")).toBeNull();
  });
});

describe("x2APIC", () => {
  it("comes from the cpuinfo flags of real machines (Xeon E5-2680: yes; EPYC 7451: no)", async () => {
    expect(x2apicFromCpuinfo(await text("intel-xeon-e5-2680-2s-16cpu", "proc", "cpuinfo"))).toBe(
      true,
    );
    expect(x2apicFromCpuinfo(await text("amd-epyc-7451-2s-96cpu", "proc", "cpuinfo"))).toBe(false);
    expect(x2apicFromCpuinfo("processor\t: 0\napicid\t: 0\n")).toBeNull();
  });
  it("is unknown, not false, when OS1 runs nox2apic (the kernel then hides the flag)", async () => {
    const cpuinfo = await text("amd-epyc-7451-2s-96cpu", "proc", "cpuinfo");
    const unknown: string[] = [];
    const p = platformFromText({ cpuinfo, cmdline: "ro nox2apic quiet", log: null }, unknown);
    expect(p).toEqual({ tscKhz: null, x2apic: null });
    expect(unknown).toEqual([
      "TSC frequency: no kernel log (dmesg) to read it from",
      "x2APIC: no cpuinfo flags and nothing in the kernel log",
    ]);
  });
});

describe("discovery and import fill Machine.platform", () => {
  it("live: drains /dev/kmsg to its current end without waiting, and agrees with cpuinfo", async () => {
    const r = new TreeReader("/");
    const log = await r.drain(KERNEL_LOG);
    expect(log, "run as root: /dev/kmsg").not.toBeNull();
    // One kmsg record per line group: "prio,seq,usec,flags;message".
    expect(log!.toString("utf8")).toMatch(/^\d+,\d+,\d+,[^;]*;/);
    expect(r.paths()).toContain(KERNEL_LOG);
    const { machine } = await discoverMachine();
    const line = /tsc: Detected (\d+)\.(\d{3}) MHz/.exec(log!.toString("utf8"));
    if (line) expect(machine.platform?.tscKhz).toBeGreaterThan(0);
    if (line && !/Refined TSC|MHz TSC/.test(log!.toString("utf8")))
      expect(machine.platform?.tscKhz).toBe(Number(line[1]) * 1000 + Number(line[2]));
    const flags = /^flags\s*:(.*)$/m.exec(await readFile("/proc/cpuinfo", "utf8"))![1]!;
    expect(machine.platform?.x2apic).toBe(flags.split(/\s+/).includes("x2apic"));
  });

  it("a captured tree without a kernel log says why the TSC frequency is unknown", async () => {
    const { machine } = await discoverMachine({ root: QEMU_TREE });
    expect(machine.platform).toEqual({ tscKhz: null, x2apic: false });
    expect(machine.discovery?.unknown).toContain(
      "TSC frequency: no kernel log (/dev/kmsg) to read it from",
    );
  });

  it("import: the T440's dmesg gives its TSC and, from its x2apic switch, x2APIC", async () => {
    const dmesg = await text("dell-poweredge-t440-xeon-gold-5118", "dmesg.txt");
    const { machine } = await importMachine({ dmesg }, { pciIds: null });
    expect(machine.platform).toEqual({ tscKhz: 2294609, x2apic: true });
  });
});
