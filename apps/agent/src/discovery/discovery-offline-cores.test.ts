// Cores that are offline in OS1 are exactly the ones a successor gets, yet /proc/cpuinfo and
// the topology directories list online CPUs only. Discovery reads their LAPIC IDs from the
// MADT. Proven on a real boot: the QEMU q35 machine booted with maxcpus=6.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { discoverMachine } from "./index";
import { apicLayout, parseMadt } from "./madt";
import { parseHexDump } from "./tree-reader";
import { fixture, QEMU_MAXCPUS6_TREE, QEMU_TREE } from "../../test/fixture-paths";

describe("offline cores from the MADT", () => {
  it("a maxcpus=6 boot still shows all 8 cores; cpus 6 and 7 are offline with LAPIC 6 and 7, package 1, one core", async () => {
    const { machine, problems } = await discoverMachine({ root: QEMU_MAXCPUS6_TREE });
    expect(problems).toEqual([]);
    expect(machine.cpus).toHaveLength(8);
    expect(machine.cpus.filter((c) => c.online).map((c) => c.cpu)).toEqual([0, 1, 2, 3, 4, 5]);
    const off = machine.cpus.filter((c) => !c.online);
    expect(off.map((c) => [c.cpu, c.apicId, c.package])).toEqual([
      [6, 6, 1],
      [7, 7, 1],
    ]);
    expect(off[0]!.core).toBe(off[1]!.core);
    expect(off.every((c) => c.siblings.join() === "6,7" && c.node === null)).toBe(true);
    expect(machine.discovery?.unknown?.some((u) => /cpu 6,7 \(LAPIC 6,7\) are offline/.test(u))).toBe(true);
  });

  it("gives the offline cores the same package and core the all-online boot of the same machine reports", async () => {
    const all = await discoverMachine({ root: QEMU_TREE });
    const some = await discoverMachine({ root: QEMU_MAXCPUS6_TREE });
    const key = (c: { apicId: number; package: number; core: number; siblings: number[] }) => [c.apicId, c.package, c.core, c.siblings.join()];
    expect(some.machine.cpus.map(key)).toEqual(all.machine.cpus.map(key));
  });

  it("reads every enabled local APIC of the T440's MADT (T1 hex dump) and they match cpuinfo", async () => {
    const hex = await readFile(fixture("dell-poweredge-t440-xeon-gold-5118", "jailhouse-config-collect/sys/firmware/acpi/tables/APIC.hex"), "utf8");
    const bytes = parseHexDump(hex);
    expect(bytes.ok).toBe(true);
    if (!bytes.ok) return;
    const madt = parseMadt(bytes.bytes);
    expect(madt.ok).toBe(true);
    if (!madt.ok) return;
    const cpuinfo = await readFile(fixture("dell-poweredge-t440-xeon-gold-5118", "jailhouse-config-collect/proc/cpuinfo"), "utf8");
    const apic = [...cpuinfo.matchAll(/^apicid\s*:\s*(\d+)/gm)].map((m) => Number(m[1])).sort((a, b) => a - b);
    expect(madt.lapics.filter((l) => l.enabled).map((l) => l.apicId).sort((a, b) => a - b)).toEqual(apic);
  });

  it("does not derive a layout the online cores do not pin down (one package: any wide shift fits)", () => {
    expect(apicLayout([{ apicId: 0, package: 0, core: 0 }, { apicId: 2, package: 0, core: 1 }])).toBeNull();
    expect(parseMadt(new Uint8Array(10))).toEqual({ ok: false, message: "only 10 bytes: a MADT has a 44-byte header" });
  });
});
