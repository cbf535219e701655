// discover --root against the tree scripts/capture.sh captured inside Debian's stock kernel
// booted under QEMU q35 -smp 8,sockets=2,cores=2,threads=2 with two NUMA nodes (cpus 0-3 on
// node 0, 4-7 on node 1, 1 GiB each), an e1000e, ICH9 AHCI, an Intel IOMMU, serial and VGA.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parseMachine, machineToJson } from "@tessera/core";
import { discoverMachine } from "./index";
import { QEMU_TREE } from "../../test/fixture-paths";

const result = discoverMachine({ root: QEMU_TREE });

describe("discover --root on the QEMU q35 capture", () => {
  it("reads 8 cores: 2 packages x 2 cores x 2 threads with their LAPIC IDs and SMT siblings", async () => {
    const { machine } = await result;
    expect(machine.cpus).toHaveLength(8);
    const cpuinfo = await readFile(`${QEMU_TREE}/proc/cpuinfo`, "utf8");
    const apicFromText = [...cpuinfo.matchAll(/^apicid\s*:\s*(\d+)/gm)].map((m) => Number(m[1]));
    expect(machine.cpus.map((c) => c.apicId)).toEqual(apicFromText);
    expect(new Set(machine.cpus.map((c) => c.package))).toEqual(new Set([0, 1]));
    for (const c of machine.cpus) {
      expect(c.siblings).toHaveLength(2);
      const partner = machine.cpus.find((o) => o.apicId === c.siblings.find((s) => s !== c.apicId));
      expect(partner?.siblings).toEqual(c.siblings);
      expect(partner?.package).toBe(c.package);
      expect(partner?.core).toBe(c.core);
      expect(c.online).toBe(true);
    }
  });

  it("puts cpus 0-3 on node 0 and 4-7 on node 1, and splits usable memory at the 1 GiB node boundary", async () => {
    const { machine } = await result;
    expect(machine.cpus.filter((c) => c.node === 0).map((c) => c.cpu)).toEqual([0, 1, 2, 3]);
    expect(machine.cpus.filter((c) => c.node === 1).map((c) => c.cpu)).toEqual([4, 5, 6, 7]);
    const usable = machine.memoryMap.filter((r) => r.type === "usable");
    for (const r of usable) {
      const end = r.start + r.size;
      expect(r.node).toBe(end <= 0x40000000n ? 0 : 1);
    }
    expect(usable.some((r) => r.start === 0x40000000n && r.node === 1)).toBe(true);
  });

  it("reads the firmware memmap (end inclusive) as sorted, non-overlapping ranges and says so", async () => {
    const { machine } = await result;
    expect(machine.discovery?.memorySource).toBe("firmware-memmap");
    const start0 = await readFile(`${QEMU_TREE}/sys/firmware/memmap/0/start`, "utf8");
    const end0 = await readFile(`${QEMU_TREE}/sys/firmware/memmap/0/end`, "utf8");
    const first = machine.memoryMap.find((r) => r.start === BigInt(start0.trim()));
    expect(first?.size).toBe(BigInt(end0.trim()) - BigInt(start0.trim()) + 1n);
    for (let i = 1; i < machine.memoryMap.length; i++) {
      const a = machine.memoryMap[i - 1]!;
      expect(a.start + a.size <= machine.memoryMap[i]!.start).toBe(true);
    }
  });

  it("finds the e1000e with MSI and MSI-X and the AHCI controller with MSI from the capability walk", async () => {
    const { machine } = await result;
    const pci = machine.devices.filter((d) => d.bus === "pci");
    const nic = pci.find((d) => d.vendor === 0x8086 && d.device === 0x10d3);
    expect(nic?.irq).toMatchObject({ msi: true, msix: true, pin: "A" });
    expect(nic?.capabilities).toEqual(expect.arrayContaining(["pcie", "msi", "msix", "pm"]));
    expect(nic?.className).toBe("Ethernet controller");
    const ahci = pci.find((d) => d.class === 0x010601);
    expect(ahci?.irq).toMatchObject({ msi: true, msix: false, pin: "A" });
    // Intel IOMMU on: every device has a group, and the ICH9 functions share one.
    expect(pci.every((d) => d.iommuGroup !== null)).toBe(true);
    const ich9 = pci.filter((d) => d.id.startsWith("0000:00:1f."));
    expect(new Set(ich9.map((d) => d.iommuGroup)).size).toBe(1);
  });

  it("gives INTx devices the I/O APIC line /proc/interrupts or sysfs irq names", async () => {
    const { machine } = await result;
    for (const d of machine.devices) {
      if (d.bus !== "pci" || !d.irq.pin) continue;
      const irq = Number(
        (await readFile(`${QEMU_TREE}/sys/bus/pci/devices/${d.id}/irq`, "utf8")).trim(),
      );
      expect(d.irq.line).toBe(irq);
    }
  });

  it("finds the legacy serial port, the i8042 keyboard and mouse on lines 1 and 12, and VGA", async () => {
    const { machine } = await result;
    const legacy = machine.devices.filter((d) => d.bus === "legacy");
    expect(legacy.find((d) => d.id === "serial@0x3f8")).toMatchObject({
      kind: "serial",
      ioPort: 0x3f8,
      irq: 4,
    });
    expect(legacy.find((d) => d.id === "ps2-keyboard")?.irq).toBe(1);
    expect(legacy.find((d) => d.id === "ps2-mouse")?.irq).toBe(12);
    expect(legacy.some((d) => d.id === "vga")).toBe(true);
    // uart:unknown entries of /proc/tty/driver/serial are not ports.
    expect(legacy.filter((d) => d.kind === "serial")).toHaveLength(1);
  });

  it("reads identity, reports no problems, and its JSON parses back as tessera/machine@1", async () => {
    const { machine, problems } = await result;
    expect(problems).toEqual([]);
    expect(machine.identity?.hostname).toBe("tessera-q35");
    expect(machine.identity?.product).toMatch(/Q35/);
    expect(machine.identity?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    const back = parseMachine(JSON.parse(JSON.stringify(machineToJson(machine))));
    expect(back.ok).toBe(true);
  });
});
