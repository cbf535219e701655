// Discovery of this very machine's /sys and /proc. The host differs from run to run, so these
// tests assert invariants that hold on any Linux, each checked against the kernel's own files.
import { access, readdir, readFile } from "node:fs/promises";
import { cpus as osCpus } from "node:os";
import { describe, expect, it } from "vitest";
import { parseMachine, machineToJson } from "@tessera/core";
import { discoverMachine } from "./index";
import { parseCpuList } from "./tree-reader";

const live = discoverMachine();

describe("discover on the live host", () => {
  it("finds as many online cores as the kernel lists online, each with a unique LAPIC ID", async () => {
    const { machine } = await live;
    const online = parseCpuList(await readFile("/sys/devices/system/cpu/online", "utf8"))!;
    expect(machine.cpus.filter((c) => c.online)).toHaveLength(online.length);
    expect(online.length).toBe(osCpus().length);
    expect(new Set(machine.cpus.map((c) => c.apicId)).size).toBe(machine.cpus.length);
  });

  it("keeps SMT sibling sets symmetric and inside one package", async () => {
    const { machine } = await live;
    const byApic = new Map(machine.cpus.map((c) => [c.apicId, c]));
    for (const c of machine.cpus) {
      expect(c.siblings).toContain(c.apicId);
      for (const s of c.siblings) {
        expect(byApic.get(s)?.siblings).toEqual(c.siblings);
        expect(byApic.get(s)?.package).toBe(c.package);
      }
    }
  });

  it("returns a sorted, non-overlapping memory map with usable RAM in it", async () => {
    const { machine } = await live;
    expect(machine.memoryMap.length).toBeGreaterThan(0);
    for (let i = 0; i < machine.memoryMap.length; i++) {
      const r = machine.memoryMap[i]!;
      expect(r.size > 0n).toBe(true);
      if (i > 0) {
        const p = machine.memoryMap[i - 1]!;
        expect(p.start + p.size <= r.start).toBe(true);
      }
    }
    const usable = machine.memoryMap
      .filter((r) => r.type === "usable")
      .reduce((s, r) => s + r.size, 0n);
    const memTotalKb = /MemTotal:\s+(\d+) kB/.exec(await readFile("/proc/meminfo", "utf8"))![1]!;
    // The kernel reserves some of the usable RAM for itself: MemTotal is at most the usable sum.
    expect(BigInt(memTotalKb) * 1024n <= usable).toBe(true);
  });

  it("lists exactly the PCI devices of /sys/bus/pci/devices", async () => {
    const { machine } = await live;
    const names = await readdir("/sys/bus/pci/devices").catch(() => [] as string[]);
    expect(
      machine.devices
        .filter((d) => d.bus === "pci")
        .map((d) => d.id)
        .sort(),
    ).toEqual(names.sort());
  });

  it("names every path it read, each of which exists", async () => {
    const { files } = await live;
    expect(files).toContain("/proc/cpuinfo");
    for (const f of files) await expect(access(f)).resolves.toBeUndefined();
  });

  it("gives the same fingerprint on a second run and JSON that parses back", async () => {
    const { machine } = await live;
    const again = await discoverMachine();
    expect(again.machine.identity?.fingerprint).toBe(machine.identity?.fingerprint);
    expect(parseMachine(JSON.parse(JSON.stringify(machineToJson(machine)))).ok).toBe(true);
    expect(machine.discovery?.source).toBe("live");
  });
});
