// OS1 boots with maxcpus= and mem=, so the cores and memory a successor gets are exactly the
// ones /proc/cpuinfo, the topology directories and the node directories do not show. Discovery
// reads them from the ACPI MADT and SRAT. Proven on real boots of one QEMU q35 machine: all
// online (qemu-q35-2s-8cpu) and booted like OS1 with maxcpus=6 mem=1G.
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { discoverMachine } from "./index";
import { apicLayout, parseMadt } from "./madt";
import { parseSrat } from "./srat";
import { parseHexDump } from "./tree-reader";
import { fixture, QEMU_OS1_TREE, QEMU_TREE } from "../../test/fixture-paths";

describe("a machine seen from an OS1 booted with maxcpus=6 mem=1G", () => {
  it("still shows all 8 cores; cpus 6 and 7 are offline with LAPIC 6 and 7 on package 1, one core, node 1", async () => {
    const { machine, problems } = await discoverMachine({ root: QEMU_OS1_TREE });
    expect(problems).toEqual([]);
    expect(machine.cpus).toHaveLength(8);
    expect(machine.cpus.filter((c) => c.online).map((c) => c.cpu)).toEqual([0, 1, 2, 3, 4, 5]);
    const off = machine.cpus.filter((c) => !c.online);
    expect(off.map((c) => [c.cpu, c.apicId, c.package, c.node])).toEqual([
      [6, 6, 1, 1],
      [7, 7, 1, 1],
    ]);
    expect(off[0]!.core).toBe(off[1]!.core);
    expect(off.every((c) => c.siblings.join() === "6,7")).toBe(true);
    expect(
      machine.discovery?.unknown?.some((u) => /cpu 6,7 \(LAPIC 6,7\) are offline/.test(u)),
    ).toBe(true);
  });

  it("is the same hardware as the all-online boot: same cores, same memory map with nodes, same fingerprint", async () => {
    const all = (await discoverMachine({ root: QEMU_TREE })).machine;
    const os1 = (await discoverMachine({ root: QEMU_OS1_TREE })).machine;
    const key = (c: (typeof all.cpus)[number]) => [
      c.apicId,
      c.package,
      c.core,
      c.node,
      c.siblings.join(),
    ];
    expect(os1.cpus.map(key)).toEqual(all.cpus.map(key));
    expect(os1.memoryMap).toEqual(all.memoryMap);
    expect(os1.memoryMap.some((r) => r.type === "usable" && r.node === 1)).toBe(true);
    expect(os1.identity?.fingerprint).toBe(all.identity?.fingerprint);
  });

  it("without the SRAT (a non-root capture) says node 1's memory has no node instead of guessing", async () => {
    const root = await mkdtemp(join(tmpdir(), "tessera-nosrat-"));
    try {
      await cp(QEMU_OS1_TREE, root, { recursive: true, verbatimSymlinks: true });
      await rm(join(root, "sys/firmware/acpi/tables/SRAT"));
      const { machine } = await discoverMachine({ root });
      const high = machine.memoryMap.find(
        (r) => r.type === "usable" && r.start + r.size > 0x40000000n,
      );
      expect(high?.node).toBe(0); // the range starts in node 0's blocks; node 1 shows none
      expect(machine.cpus.filter((c) => !c.online).every((c) => c.node === null)).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("ACPI tables", () => {
  it("the T440's MADT (T1 hex dump) enables exactly the LAPIC IDs of its cpuinfo", async () => {
    const hex = await readFile(
      fixture(
        "dell-poweredge-t440-xeon-gold-5118",
        "jailhouse-config-collect/sys/firmware/acpi/tables/APIC.hex",
      ),
      "utf8",
    );
    const bytes = parseHexDump(hex);
    expect(bytes.ok).toBe(true);
    if (!bytes.ok) return;
    const madt = parseMadt(bytes.bytes);
    expect(madt.ok).toBe(true);
    if (!madt.ok) return;
    const cpuinfo = await readFile(
      fixture("dell-poweredge-t440-xeon-gold-5118", "jailhouse-config-collect/proc/cpuinfo"),
      "utf8",
    );
    const apic = [...cpuinfo.matchAll(/^apicid\s*:\s*(\d+)/gm)]
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    expect(
      madt.lapics
        .filter((l) => l.enabled)
        .map((l) => l.apicId)
        .sort((a, b) => a - b),
    ).toEqual(apic);
  });

  it("the QEMU SRAT puts LAPIC 0-3 and the first GiB in one domain, LAPIC 4-7 and the second in another", async () => {
    const r = parseSrat(await readFile(join(QEMU_TREE, "sys/firmware/acpi/tables/SRAT")));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const pxm = (apic: number) => r.srat.cpuPxm.get(apic);
    expect(new Set([0, 1, 2, 3].map(pxm)).size).toBe(1);
    expect(new Set([4, 5, 6, 7].map(pxm)).size).toBe(1);
    expect(pxm(0)).not.toBe(pxm(4));
    expect(r.srat.memory.find((m) => m.start === 0x40000000n)?.pxm).toBe(pxm(4));
  });

  it("does not derive a core layout the online cores do not pin down (one package: any wide shift fits)", () => {
    expect(
      apicLayout([
        { apicId: 0, package: 0, core: 0 },
        { apicId: 2, package: 0, core: 1 },
      ]),
    ).toBeNull();
    expect(parseMadt(new Uint8Array(10))).toEqual({
      ok: false,
      message: "MADT (APIC) truncated: only 10 bytes, its header alone is 44",
    });
  });
});
