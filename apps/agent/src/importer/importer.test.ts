// Import from real text of real machines (test/fixtures/*/SOURCES.md), and from broken copies.
import { access, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parseMachine, machineToJson, type PciDevice } from "@tessera/core";
import { importMachine, parseDmesg } from "./index";
import { fixture } from "../../test/fixture-paths";

const read = (...p: string[]) => readFile(fixture(...p), "utf8");
const e820Lines = (text: string) => text.split("\n").filter((l) => l.includes("BIOS-e820:")).length;
const hasPciIds = await access("/usr/share/misc/pci.ids").then(
  () => true,
  () => false,
);

describe("import: Dell PowerEdge T440 (dmesg, lspci -vvv, cpuinfo)", async () => {
  const dmesg = await read("dell-poweredge-t440-xeon-gold-5118", "dmesg.txt");
  const lspci = await read("dell-poweredge-t440-xeon-gold-5118", "lspci-vvv.txt");
  const cpuinfo = await read(
    "dell-poweredge-t440-xeon-gold-5118",
    "jailhouse-config-collect/proc/cpuinfo",
  );
  const { machine, problems } = await importMachine({ dmesg, lspci, cpuinfo });

  it("applies the user-defined memmap= map the kernel ran with, and keeps the firmware's beside it", () => {
    expect(problems).toEqual([]);
    const f = parseDmesg(dmesg);
    expect(f.firmwareE820).toHaveLength(e820Lines(dmesg));
    expect(machine.memoryMap).toHaveLength(f.userE820!.length);
    expect(machine.discovery?.memorySource).toBe("dmesg-user-e820");
    // memmap=0x5200000$0x3a000000 reserved it for Jailhouse (the firmware says usable).
    const r = machine.memoryMap.find(
      (m) => m.start <= 0x3a000000n && 0x3a000000n < m.start + m.size,
    );
    expect(r).toMatchObject({ start: 0x3a000000n, size: 0x5200000n, type: "reserved" });
  });

  it("reads 24 cores with the LAPIC IDs of cpuinfo, pairs the hyperthreads, and takes nodes from dmesg's SRAT lines", () => {
    const apic = [...cpuinfo.matchAll(/^apicid\s*:\s*(\d+)/gm)].map((m) => Number(m[1]));
    expect(machine.cpus.map((c) => c.apicId)).toEqual(apic);
    expect(machine.cpus.every((c) => c.siblings.length === 2)).toBe(true);
    expect(machine.cpus.every((c) => c.node === 0)).toBe(true);
  });

  it("reads MSI/MSI-X, interrupt pins and drivers from lspci -vvv, and the boot VGA from dmesg", () => {
    const pci = machine.devices.filter((d): d is PciDevice => d.bus === "pci");
    const sata = pci.find((d) => d.id === "0000:00:17.0");
    expect(sata).toMatchObject({ driver: "ahci", irq: { msi: true, pin: "A" } });
    expect(pci.some((d) => d.irq.msix)).toBe(true);
    expect(pci.find((d) => d.id === "0000:03:00.0")?.bootVga).toBe(true);
    expect(machine.devices.some((d) => d.id === "vga")).toBe(true);
  });

  it("keeps the PCI UART's ports out of the legacy serial ports", () => {
    const serial = machine.devices
      .filter((d) => d.bus === "legacy" && d.kind === "serial")
      .map((d) => d.id);
    expect(serial.sort()).toEqual(["serial@0x2f8", "serial@0x3f8"]);
  });

  it("says what it could not know (no interrupts file, no IOMMU groups) and its JSON parses back", () => {
    const u = machine.discovery?.unknown?.join("\n") ?? "";
    expect(u).toMatch(/interrupt routing: no \/proc\/interrupts given/);
    expect(u).toMatch(/IOMMU groups/);
    expect(parseMachine(JSON.parse(JSON.stringify(machineToJson(machine)))).ok).toBe(true);
  });
});

describe("import: Dell PowerEdge T630 (dmesg and lspci -nn only)", async () => {
  const dmesg = await read("dell-poweredge-t630-2s-xeon-e5-2603v4", "dmesg.txt");
  const lspci = await read("dell-poweredge-t630-2s-xeon-e5-2603v4", "lspci.txt");
  const { machine, problems } = await importMachine({ dmesg, lspci });

  it("reads the 14 e820 entries (usable ones cut at NUMA node boundaries) and the ids and classes from -nn brackets", () => {
    expect(problems).toEqual([]);
    const e820 = parseDmesg(dmesg).e820;
    expect(e820).toHaveLength(14);
    const total = (rs: { size: bigint }[]) => rs.reduce((s, r) => s + r.size, 0n);
    expect(total(machine.memoryMap)).toBe(total(e820));
    expect(
      new Set(machine.memoryMap.filter((r) => r.type === "usable").map((r) => r.node)),
    ).toEqual(new Set([0, 1]));
    expect(machine.devices.find((d) => d.id === "0000:00:00.0")).toMatchObject({
      vendor: 0x8086,
      device: 0x6f00,
      class: 0x060000,
    });
  });

  it("takes the cores from the SRAT lines, saying package and core are not in the log; MSI stays unknown", () => {
    const sratApics = [...dmesg.matchAll(/SRAT: PXM \d+ -> APIC (0x[0-9a-f]+)/g)].map((m) =>
      parseInt(m[1]!, 16),
    );
    expect(sratApics).toHaveLength(12);
    expect(machine.cpus.map((c) => c.apicId)).toEqual(sratApics);
    const u = machine.discovery?.unknown?.join("\n") ?? "";
    expect(u).toContain("package, core and SMT siblings of the 12 cores taken from dmesg's");
    expect(u).toMatch(/MSI\/MSI-X support of \d+ device\(s\), written null/);
    const pci = machine.devices.filter((d): d is PciDevice => d.bus === "pci");
    expect(pci.every((d) => d.irq.msi === null && d.irq.msix === null)).toBe(true);
  });
});

describe("import: Dell XPS 13 9360 laptop (dmesg, lspci -vv without -nn)", async () => {
  const dmesg = await read("dell-xps-13-9360-laptop", "dmesg.txt");
  const lspci = await read("dell-xps-13-9360-laptop", "lspci-vv.txt");

  it("reads 22 e820 entries, the i8042 ports and the NVMe's MSI-X", async () => {
    const { machine } = await importMachine({ dmesg, lspci });
    expect(machine.memoryMap).toHaveLength(22);
    const nvme = machine.devices.find((d) => d.bus === "pci" && d.class >> 8 === 0x0108);
    expect(nvme?.bus === "pci" && nvme.irq.msix).toBe(true);
    expect(machine.devices.find((d) => d.id === "ps2-keyboard")?.irq).toBe(1);
  });

  it.skipIf(!hasPciIds)("resolves numeric ids from unique pci.ids names", async () => {
    const { machine } = await importMachine({ dmesg, lspci });
    const vga = machine.devices.find((d) => d.id === "0000:00:02.0");
    expect(vga).toMatchObject({ vendor: 0x8086, class: 0x030000 });
  });

  it("without pci.ids writes the 0xffff sentinel and lists the devices whose ids are unknown", async () => {
    const { machine } = await importMachine({ dmesg, lspci }, { pciIds: null });
    expect(machine.devices.find((d) => d.id === "0000:00:02.0")).toMatchObject({
      vendor: 0xffff,
      device: 0xffff,
    });
    expect(
      machine.discovery?.unknown?.some((u) =>
        /numeric vendor\/device\/class ids of .*0000:00:02\.0/.test(u),
      ),
    ).toBe(true);
  });
});

describe("import: a Jailhouse non-root cell (3-entry e820 made by the hypervisor)", () => {
  it("reads exactly the three entries", async () => {
    const dmesg = await read("jailhouse-nonroot-cell-linux-intel-host", "dmesg.non-root.txt");
    const { machine } = await importMachine({ dmesg });
    expect(machine.memoryMap).toHaveLength(3);
    expect(machine.memoryMap.map((r) => r.type)).toContain("usable");
  });
});

describe("import: malformed input names the file, the line and what was expected", () => {
  it("a broken BIOS-e820 line in a real dmesg", async () => {
    const lines = (await read("dell-poweredge-t630-2s-xeon-e5-2603v4", "dmesg.txt")).split("\n");
    const at = lines.findIndex((l) => l.includes("BIOS-e820:"));
    lines[at] = lines[at]!.replace(/\[mem 0x[0-9a-f]+-/, "[mem zz-");
    const { machine, problems } = await importMachine(
      { dmesg: lines.join("\n") },
      { names: { dmesg: "t630.log" } },
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe("t630.log");
    expect(problems[0]!.message).toMatch(
      new RegExp(`^line ${at + 1}: expected "BIOS-e820: \\[mem 0xSTART-0xEND\\] TYPE"`),
    );
    expect(machine.memoryMap.some((r) => r.start === 0n)).toBe(false);
    expect(parseDmesg(lines.join("\n")).e820).toHaveLength(13);
  });

  it("a cpuinfo processor without apicid", async () => {
    const cpuinfo = (
      await read("dell-poweredge-t440-xeon-gold-5118", "jailhouse-config-collect/proc/cpuinfo")
    )
      .replace(/^apicid\s*:.*\n/m, "")
      .replace(/^initial apicid\s*:.*\n/m, "");
    const { machine, problems } = await importMachine({ cpuinfo }, { names: { cpuinfo: "c.txt" } });
    expect(
      problems.some((p) => p.path === "c.txt" && /processor 0 has no "apicid"/.test(p.message)),
    ).toBe(true);
    expect(machine.cpus.some((c) => c.cpu === 0)).toBe(false);
  });

  it("an lspci line that is not a device line", async () => {
    const lspci =
      "00:00.0 Host bridge [0600]: Intel Corporation Device [8086:6f00] (rev 01)\nthis is not lspci\n";
    const { problems } = await importMachine({ lspci }, { names: { lspci: "l.txt" } });
    expect(problems).toEqual([
      {
        path: "l.txt",
        message:
          'line 2: expected a device line "BB:DD.F Class: Vendor Device", got "this is not lspci"',
      },
    ]);
  });

  it("the old e820 format (end exclusive) reads as the same range as the new one (end inclusive)", () => {
    const old = parseDmesg("BIOS-e820: 0000000000000000 - 000000000009f400 (usable)\n").e820;
    const neu = parseDmesg("BIOS-e820: [mem 0x0000000000000000-0x000000000009f3ff] usable\n").e820;
    expect(old).toEqual(neu);
  });
});

describe("import: ACPI LAPIC lines of older kernels", () => {
  // The line format of drivers/acpi/tables.c (acpi_table_print_madt_entry) in kernels that print it.
  const dmesg = [
    "[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable",
    "[    0.000000] ACPI: LAPIC (acpi_id[0x00] lapic_id[0x00] enabled)",
    "[    0.000000] ACPI: LAPIC (acpi_id[0x01] lapic_id[0x02] enabled)",
    "[    0.000000] ACPI: LAPIC (acpi_id[0x02] lapic_id[0x04] disabled)",
    "[    0.000000] ACPI: X2APIC (apic_id[0x100] uid[0x03] enabled)",
  ].join("\n");

  it("lists the enabled LAPIC and x2APIC IDs in MADT order", () => {
    const f = parseDmesg(dmesg);
    expect(f.lapics).toEqual([0, 2, 0x100]);
    expect(f.disabledLapics).toEqual([4]);
  });

  it("without cpuinfo takes the enabled LAPICs as cores in MADT order, and says what it does not know", async () => {
    const { machine } = await importMachine({ dmesg });
    expect(machine.cpus.map((c) => [c.cpu, c.apicId])).toEqual([
      [0, 0],
      [1, 2],
      [2, 0x100],
    ]);
    expect(
      machine.discovery?.unknown?.some((u) =>
        u.includes('of the 3 cores taken from dmesg\'s "ACPI: LAPIC" lines'),
      ),
    ).toBe(true);
  });
});
