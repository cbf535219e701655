// discover --root against sysfs/procfs trees captured on real servers by others
// (test/fixtures/*/SOURCES.md): APIC ID holes, interleaved APIC IDs, a 137-device PCI tree
// with msi_irqs/ and 64-byte config space, and a Jailhouse config-collect tree (T1 .hex configs).
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { discoverMachine } from "./index";
import { fixture } from "../../test/fixture-paths";

async function cpuinfoApicIds(root: string): Promise<number[]> {
  const text = await readFile(`${root}/proc/cpuinfo`, "utf8");
  return [...text.matchAll(/^apicid\s*:\s*(\d+)/gm)].map((m) => Number(m[1]));
}

describe("AMD EPYC 7451 2-socket, 96 CPUs", () => {
  const root = fixture("amd-epyc-7451-2s-96cpu");
  it("keeps the LAPIC ID holes (no 6, 7, 14, 15, ...) and pairs each core's two threads", async () => {
    const { machine } = await discoverMachine({ root });
    expect(machine.cpus).toHaveLength(96);
    expect(machine.cpus.map((c) => c.apicId)).toEqual(await cpuinfoApicIds(root));
    const ids = new Set(machine.cpus.map((c) => c.apicId));
    for (const hole of [6, 7, 14, 15, 22, 23]) expect(ids.has(hole)).toBe(false);
    for (const c of machine.cpus) expect(c.siblings).toHaveLength(2);
    const cpu0 = machine.cpus.find((c) => c.cpu === 0)!;
    const cpu48 = machine.cpus.find((c) => c.cpu === 48)!; // thread_siblings_list of cpu0 is "0,48"
    expect(cpu0.siblings).toEqual([cpu0.apicId, cpu48.apicId].sort((a, b) => a - b));
  });
  it("reads 8 NUMA nodes from the older cpumap files and 2 packages", async () => {
    const { machine } = await discoverMachine({ root });
    expect(new Set(machine.cpus.map((c) => c.node))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
    expect(new Set(machine.cpus.map((c) => c.package))).toEqual(new Set([0, 1]));
  });
  it("says the memory map and PCI tree are missing instead of inventing them", async () => {
    const { machine, problems } = await discoverMachine({ root });
    expect(machine.memoryMap).toEqual([]);
    expect(machine.discovery?.memorySource).toBe("unknown");
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(["/sys/firmware/memmap", "/sys/bus/pci/devices"]),
    );
  });
});

describe("Xeon X7550 4-socket, 64 CPUs", () => {
  const root = fixture("intel-xeon-x7550-4s-64cpu");
  it("keeps the interleaved LAPIC IDs in Linux CPU order (cpu1 is LAPIC 64) across 4 packages", async () => {
    const { machine } = await discoverMachine({ root });
    expect(machine.cpus).toHaveLength(64);
    expect(machine.cpus.map((c) => c.apicId)).toEqual(await cpuinfoApicIds(root));
    expect(machine.cpus[1]!.apicId).toBe(64);
    expect(new Set(machine.cpus.map((c) => c.package)).size).toBe(4);
  });
});

describe("Xeon E5-2680 2-socket PCI tree (hwloc capture, T2 .symlink links, 64-byte config)", () => {
  const root = fixture("intel-xeon-e5-2680-2s-16cpu");
  it("reads all 137 PCI devices through .symlink bus links, with NUMA node", async () => {
    const { machine } = await discoverMachine({ root });
    const pci = machine.devices.filter((d) => d.bus === "pci");
    expect(pci).toHaveLength(137);
    // numa_node -1 (no affinity) reads as null; both sockets' root complexes are present.
    expect(new Set(pci.map((d) => d.node))).toEqual(new Set([0, 1, null]));
    expect(machine.cpus.map((c) => c.apicId)).toEqual(await cpuinfoApicIds(root));
  });
  it("takes MSI-X from msi_irqs/ when config space stops at 64 bytes, and says the walk was cut", async () => {
    const { machine, problems } = await discoverMachine({ root });
    const dev = machine.devices.find((d) => d.id === "0000:00:02.0");
    expect(dev?.bus === "pci" && dev.irq.msix).toBe(true);
    expect(dev?.bus === "pci" && dev.capabilities).toBeUndefined();
    expect(
      problems.some(
        (p) => p.path === "/sys/bus/pci/devices/*/config" && /64 bytes/.test(p.message),
      ),
    ).toBe(true);
    expect(machine.discovery?.unknown?.some((u) => /capability lists/.test(u))).toBe(true);
  });
});

describe("Dell PowerEdge T440 Jailhouse config-collect tree (T1 config.hex, iomem only)", () => {
  const root = fixture("dell-poweredge-t440-xeon-gold-5118", "jailhouse-config-collect");
  it("falls back to /proc/iomem, says so, and keeps the memmap= reservation at 0x3a000000 as reserved", async () => {
    const { machine } = await discoverMachine({ root });
    expect(machine.discovery?.memorySource).toBe("iomem");
    const r = machine.memoryMap.find((m) => m.start === 0x3a000000n);
    expect(r).toMatchObject({ type: "reserved", size: 0x5200000n });
    expect(machine.memoryMap.some((m) => m.type === "nvs")).toBe(true);
    expect(machine.memoryMap.some((m) => m.type === "acpi")).toBe(true);
  });
  it("reads vendor, device, class and capabilities from the config.hex dumps alone", async () => {
    const { machine } = await discoverMachine({ root });
    const pci = machine.devices.filter((d) => d.bus === "pci");
    expect(pci.length).toBeGreaterThan(100);
    expect(pci.every((d) => d.vendor === 0x8086 || d.vendor !== 0)).toBe(true);
    expect(pci.some((d) => d.irq.msi)).toBe(true);
    expect(pci.some((d) => d.capabilities?.includes("pcie"))).toBe(true);
    expect(machine.identity).toMatchObject({ vendor: "Dell Inc.", product: "PowerEdge T440" });
  });
  it("lists the ISA serial ports from sysfs confirmed by /proc/ioports, not the PCI UART's", async () => {
    const { machine } = await discoverMachine({ root });
    const serial = machine.devices
      .filter((d) => d.bus === "legacy" && d.kind === "serial")
      .map((d) => d.id);
    expect(serial.sort()).toEqual(["serial@0x2f8", "serial@0x3f8"]);
  });
});
