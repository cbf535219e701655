// The text and binary formats discovery reads, on real files from real machines.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parseCpuList, parseCpuMask, parseHexDump } from "./tree-reader";
import { e820Type, parseInterrupts } from "./text-formats";
import { readHeader, walkCapabilities } from "./pci-config";
import { className, parsePciIds } from "./pci-names";
import { parseResource } from "./pci";
import { fixture, QEMU_TREE } from "../../test/fixture-paths";

describe("/proc/interrupts", () => {
  it("reads the new layout with non-contiguous CPU columns and per-device MSI-X domains (hybrid laptop, SMT off)", async () => {
    const text = await readFile(
      fixture("intel-hybrid-laptop-vmd-smt-off", "interrupts.txt"),
      "utf8",
    );
    const { rows, problems } = parseInterrupts(text);
    expect(problems).toEqual([]);
    const i8042 = rows.filter((r) => r.actions.includes("i8042"));
    expect(i8042.map((r) => r.ioapicLine).sort((a, b) => a! - b!)).toEqual([1, 12]);
    const tb = rows.filter((r) => r.bdf === "0000:00:0d.2");
    expect(tb.length).toBeGreaterThan(0);
    expect(tb.every((r) => r.kind === "msix")).toBe(true);
  });

  it("reads the old IR-IO-APIC-edge layout, where the IRQ number is the I/O APIC line", async () => {
    const text = await readFile(
      fixture("laptop-4cpu-interrupts-node-exporter", "interrupts.txt"),
      "utf8",
    );
    const { rows, problems } = parseInterrupts(text);
    expect(problems).toEqual([]);
    const acpi = rows.find((r) => r.actions.includes("acpi"));
    expect(acpi).toMatchObject({ kind: "ioapic", ioapicLine: 9, hwirq: null });
    expect(rows.some((r) => r.kind === "msi")).toBe(true);
  });

  it("reports a file with no CPU header as malformed at line 1", () => {
    expect(parseInterrupts("  1: 5 IO-APIC 1-edge i8042\n").problems).toEqual([
      { line: 1, message: 'expected a header line of CPU columns ("CPU0 CPU1 ...")' },
    ]);
  });
});

describe("PCI config space", () => {
  it("walks the capability list of the QEMU e1000e: PM, MSI, PCIe, MSI-X", async () => {
    const cfg = await readFile(`${QEMU_TREE}/sys/devices/pci0000:00/0000:00:02.0/config`);
    const h = readHeader(cfg)!;
    expect([h.vendor, h.device, h.class >> 8, h.pin]).toEqual([0x8086, 0x10d3, 0x0200, "A"]);
    const walk = walkCapabilities(cfg);
    expect(walk.ok).toBe(true);
    expect(walk.ids).toEqual(expect.arrayContaining([0x01, 0x05, 0x10, 0x11]));
  });

  it("says 'truncated' when a pointer leaves the 64 bytes a non-root reader gets", async () => {
    const cfg = await readFile(`${QEMU_TREE}/sys/devices/pci0000:00/0000:00:02.0/config`);
    expect(walkCapabilities(cfg.subarray(0, 64))).toMatchObject({ ok: false, reason: "truncated" });
  });

  it("reads an lspci -xxx style .hex dump into the same bytes (T440 config.hex)", async () => {
    const text = await readFile(
      fixture(
        "dell-poweredge-t440-xeon-gold-5118",
        "jailhouse-config-collect/sys/bus/pci/devices/0000:00:11.5/config.hex",
      ),
      "utf8",
    );
    const r = parseHexDump(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.bytes.length % 256).toBe(0);
    expect(readHeader(r.bytes)!.vendor).toBe(0x8086);
    expect(text.split("\n")[0]!.split(/\s+/).slice(1, 3)).toEqual([
      r.bytes[0]!.toString(16).padStart(2, "0"),
      r.bytes[1]!.toString(16).padStart(2, "0"),
    ]);
  });
});

describe("small sysfs formats", () => {
  it("cpulist and cpumask agree on the EPYC node files", async () => {
    const mask = await readFile(
      fixture("amd-epyc-7451-2s-96cpu", "sys/devices/system/node/node0/cpumap"),
      "utf8",
    );
    const cpus = parseCpuMask(mask)!;
    expect(cpus.length).toBeGreaterThan(0);
    expect(parseCpuList(cpus.join(","))).toEqual(cpus);
    expect(parseCpuList("0-2,8")).toEqual([0, 1, 2, 8]);
    expect(parseCpuList("3-1")).toBeNull();
  });

  it("reads BARs from sysfs resource: kind, size and prefetchable", async () => {
    const text = await readFile(
      `${QEMU_TREE}/sys/devices/pci0000:00/0000:00:01.0/resource`,
      "utf8",
    );
    const { bars, badLine } = parseResource(text);
    expect(badLine).toBeNull();
    expect(bars.find((b) => b.index === 0)).toMatchObject({ kind: "mem", prefetchable: true });
  });

  it("maps the e820 type names of sysfs and dmesg", () => {
    expect(
      [
        "System RAM",
        "Reserved",
        "reserved",
        "ACPI Tables",
        "ACPI data",
        "ACPI Non-volatile Storage",
        "ACPI NVS",
        "Unusable memory",
        "Persistent Memory",
        "persistent (type 12)",
        "type 7",
        "Soft Reserved",
      ].map(e820Type),
    ).toEqual([
      "usable",
      "reserved",
      "reserved",
      "acpi",
      "acpi",
      "nvs",
      "nvs",
      "unusable",
      "pmem",
      "pmem",
      "pmem",
      "unknown",
    ]);
  });

  it("names classes from the built-in table and devices from pci.ids text", () => {
    expect(className(0x010601)).toBe("SATA controller");
    expect(className(0x0c0330)).toBe("USB controller");
    const ids = parsePciIds(
      "8086  Intel Corporation\n\t10d3  82574L Gigabit Network Connection\n\t\t8086 0001  sub\nC 00  Unclassified device\n",
    );
    expect(ids.vendor(0x8086)).toBe("Intel Corporation");
    expect(ids.device(0x8086, 0x10d3)).toBe("82574L Gigabit Network Connection");
    expect(ids.deviceIdsByName(0x8086, "82574L Gigabit Network Connection")).toEqual([0x10d3]);
  });
});
