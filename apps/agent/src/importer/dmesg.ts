// What a kernel log tells about the machine: the firmware e820 map ("BIOS-e820:"), the MADT's
// local APICs ("ACPI: LAPIC" / "ACPI: X2APIC", printed by older kernels), the early memory
// node ranges, serial ports, the boot VGA device and the kernel and DMI strings.
import type { MemoryRegion } from "@tessera/core";
import { e820Type } from "../discovery/text-formats";

export interface DmesgFacts {
  e820: MemoryRegion[];
  /** Enabled LAPIC IDs in MADT order. */
  lapics: number[];
  disabledLapics: number[];
  nodeRanges: { start: bigint; end: bigint; node: number }[];
  /** "SRAT: PXM p -> APIC 0xNN -> Node n": the node of each LAPIC ID, SRAT order. */
  apicNodes: Map<number, number>;
  serial: { port: number; irq: number }[];
  bootVga: string | null;
  /** i8042 ports the serio driver found: "KBD" and/or "AUX", with their IRQ. */
  i8042: { port: "KBD" | "AUX"; irq: number }[];
  kernel: string | null;
  dmi: string | null;
  cpusBroughtUp: number | null;
  problems: { line: number; message: string }[];
}

const NEW_E820 = /BIOS-e820: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] (.+?)\s*$/i;
const OLD_E820 = /BIOS-e820: ([0-9a-f]+) - ([0-9a-f]+) \((.+)\)\s*$/i;
const LAPIC =
  /ACPI: LAPIC \(acpi_id\[0x([0-9a-f]+)\] lapic_id\[0x([0-9a-f]+)\] (enabled|disabled)\)/i;
const X2APIC = /ACPI: X2APIC \(apic_id\[0x([0-9a-f]+)\] uid\[0x([0-9a-f]+)\] (enabled|disabled)\)/i;
const NODE_RANGE = /^\s*node\s+(\d+): \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]\s*$/i;
const SERIAL = /(ttyS\d+) at I\/O (0x[0-9a-f]+) \(irq = (\d+)/i;

/** Removes the "[    0.000000] " stamp and any syslog prefix up to "kernel: ". */
function body(line: string): string {
  let t = line.replace(/\r$/, "");
  const k = t.indexOf("kernel: ");
  if (k !== -1) t = t.slice(k + 8);
  return t.replace(/^\s*\[\s*\d+\.\d+\]\s?/, "");
}

export function parseDmesg(text: string): DmesgFacts {
  const f: DmesgFacts = {
    e820: [],
    lapics: [],
    disabledLapics: [],
    nodeRanges: [],
    apicNodes: new Map(),
    serial: [],
    bootVga: null,
    i8042: [],
    kernel: null,
    dmi: null,
    cpusBroughtUp: null,
    problems: [],
  };
  const seen = new Set<string>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = body(lines[i]!);
    if (line.includes("BIOS-e820:")) {
      const n = NEW_E820.exec(line);
      const o = n ? null : OLD_E820.exec(line);
      if (!n && !o) {
        f.problems.push({
          line: i + 1,
          message: `expected "BIOS-e820: [mem 0xSTART-0xEND] TYPE", got ${JSON.stringify(line.trim().slice(0, 80))}`,
        });
        continue;
      }
      const start = BigInt(n ? n[1]! : "0x" + o![1]);
      // The new format prints the last byte; the old one the first byte after the range.
      const end = n ? BigInt(n[2]!) : BigInt("0x" + o![2]) - 1n;
      if (end < start) {
        f.problems.push({ line: i + 1, message: "the range ends before it starts" });
        continue;
      }
      const key = `${start}-${end}`;
      if (seen.has(key)) continue; // a second boot in the same log repeats the map
      seen.add(key);
      f.e820.push({ start, size: end - start + 1n, type: e820Type(n ? n[3]! : o![3]!) });
      continue;
    }
    const l = LAPIC.exec(line) ?? X2APIC.exec(line);
    if (l) {
      const id = parseInt(LAPIC.test(line) ? l[2]! : l[1]!, 16);
      (l[3] === "enabled" ? f.lapics : f.disabledLapics).push(id);
      continue;
    }
    if (line.includes("ACPI: LAPIC (") || line.includes("ACPI: X2APIC (")) {
      f.problems.push({
        line: i + 1,
        message: 'expected "ACPI: LAPIC (acpi_id[0xNN] lapic_id[0xNN] enabled)"',
      });
      continue;
    }
    const srat = /SRAT: PXM \d+ -> (?:X2)?APIC (0x[0-9a-f]+) -> Node (\d+)/i.exec(line);
    if (srat) {
      f.apicNodes.set(parseInt(srat[1]!, 16), Number(srat[2]));
      continue;
    }
    const nr = NODE_RANGE.exec(line);
    if (nr) {
      f.nodeRanges.push({ node: Number(nr[1]), start: BigInt(nr[2]!), end: BigInt(nr[3]!) + 1n });
      continue;
    }
    const s = SERIAL.exec(line);
    if (s) {
      f.serial.push({ port: parseInt(s[2]!, 16), irq: Number(s[3]) });
      continue;
    }
    const kbd = /serio: i8042 (KBD|AUX) port at 0x60,0x64 irq (\d+)/.exec(line);
    if (kbd) f.i8042.push({ port: kbd[1] as "KBD" | "AUX", irq: Number(kbd[2]) });
    const vga =
      /vgaarb: (?:setting as boot VGA device|Boot VGA device).*?PCI:([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])/i.exec(
        line,
      ) ??
      /pci ([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]): vgaarb: setting as boot VGA device/i.exec(
        line,
      );
    if (vga) f.bootVga = vga[1]!.toLowerCase();
    const kv = /^Linux version (\S+)/.exec(line);
    if (kv && f.kernel === null) f.kernel = kv[1]!;
    const dmi = /^DMI: (.+?)(?:, BIOS .*)?$/.exec(line);
    if (dmi && f.dmi === null) f.dmi = dmi[1]!.trim();
    const up = /smp: Brought up \d+ nodes?, (\d+) CPUs?/.exec(line);
    if (up) f.cpusBroughtUp = Number(up[1]);
  }
  f.e820.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return f;
}
