// What a kernel log tells about the machine: the firmware e820 map ("BIOS-e820:") and the
// user-defined map the kernel used instead when memmap= was given ("user:"), the MADT's local
// APICs ("ACPI: LAPIC" / "ACPI: X2APIC", printed by older kernels), the SRAT's APIC -> node
// lines, the early memory node ranges, serial ports, the boot VGA device and the kernel and
// DMI strings.
//
// A serial console log often holds several boots (a kernel and then its kdump kernel, or a
// reboot): each "Linux version" banner starts one. Facts are read from one boot only (the last
// unless asked), since mixing two boots' maps counts RAM twice.
import type { MemoryRegion } from "@tessera/core";
import { e820Type } from "../discovery/text-formats";

export interface DmesgFacts {
  /** The map the kernel used: the user-defined one when the log has it, else the firmware's. */
  e820: MemoryRegion[];
  /** The firmware's own map ("BIOS-e820:" lines). */
  firmwareE820: MemoryRegion[];
  /** The "user-defined physical RAM map" (memmap=), null when the boot has none. */
  userE820: MemoryRegion[] | null;
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
  /** How many boots the log holds, and which one (1-based) these facts are from. */
  boots: number;
  boot: number;
  /** 1-based line of the chosen boot's banner in the whole log (1 when it has none). */
  bootLine: number;
  /** Line numbers are of the whole log. */
  problems: { line: number; message: string }[];
}

export interface DmesgOptions {
  /** 1-based boot to read; default the last. */
  boot?: number;
}

const NEW_MAP = /(BIOS-e820|user): \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] (.+?)\s*$/i;
const OLD_MAP = /(BIOS-e820|user): ([0-9a-f]+) - ([0-9a-f]+) \((.+)\)\s*$/i;
const LAPIC =
  /ACPI: LAPIC \(acpi_id\[0x([0-9a-f]+)\] lapic_id\[0x([0-9a-f]+)\] (enabled|disabled)\)/i;
const X2APIC = /ACPI: X2APIC \(apic_id\[0x([0-9a-f]+)\] uid\[0x([0-9a-f]+)\] (enabled|disabled)\)/i;
const NODE_RANGE = /^\s*node\s+(\d+): \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]\s*$/i;
const SERIAL = /(ttyS\d+) at I\/O (0x[0-9a-f]+) \(irq = (\d+)/i;
const BANNER = /^Linux version \S+/;

/** Removes the "[    0.000000] " stamp and any syslog prefix up to "kernel: ". */
function body(line: string): string {
  let t = line.endsWith("\r") ? line.slice(0, -1) : line;
  const k = t.indexOf("kernel: ");
  if (k !== -1) t = t.slice(k + 8);
  return t.replace(/^\s*\[\s*\d+\.\d+\]\s?/, "");
}

/**
 * 0-based line index where each boot starts. Lines before the first banner (a boot loader's
 * or hypervisor's output) belong to the first boot; a log without a banner is one boot.
 */
export function splitBoots(lines: string[]): number[] {
  const starts: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    // Cheap test first: this runs over every line of multi-megabyte logs.
    if (l.includes("Linux version") && BANNER.test(body(l))) starts.push(i);
  }
  if (starts.length === 0) return [0];
  starts[0] = 0;
  return starts;
}

export function parseDmesg(text: string, options: DmesgOptions = {}): DmesgFacts {
  const lines = text.split("\n");
  const starts = splitBoots(lines);
  const boot = options.boot ?? starts.length;
  const f: DmesgFacts = {
    e820: [],
    firmwareE820: [],
    userE820: null,
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
    boots: starts.length,
    boot,
    bootLine: 1,
    problems: [],
  };
  if (!Number.isInteger(boot) || boot < 1 || boot > starts.length) {
    f.problems.push({
      line: 1,
      message: `boot ${boot} asked for, but the log holds ${starts.length} boot(s) ("Linux version" banners)`,
    });
    return f;
  }
  const from = starts[boot - 1]!;
  const to = boot < starts.length ? starts[boot]! : lines.length;
  f.bootLine = from + 1;
  const seen = { "BIOS-e820": new Set<string>(), user: new Set<string>() };
  for (let i = from; i < to; i++) {
    const line = body(lines[i]!);
    if (line.includes("BIOS-e820:") || line.startsWith("user:")) {
      const n = NEW_MAP.exec(line);
      const o = n ? null : OLD_MAP.exec(line);
      if (!n && !o) {
        f.problems.push({
          line: i + 1,
          message: `expected "BIOS-e820: [mem 0xSTART-0xEND] TYPE", got ${JSON.stringify(line.trim().slice(0, 80))}`,
        });
        continue;
      }
      const which = (n ?? o)![1]!.toLowerCase() === "user" ? "user" : "BIOS-e820";
      const start = BigInt(n ? n[2]! : "0x" + o![2]);
      // The new format prints the last byte; the old one the first byte after the range.
      const end = n ? BigInt(n[3]!) : BigInt("0x" + o![3]) - 1n;
      if (end < start) {
        f.problems.push({ line: i + 1, message: "the range ends before it starts" });
        continue;
      }
      const key = `${start}-${end}`;
      if (seen[which].has(key)) continue; // the same boot printed its map twice (a pasted log)
      seen[which].add(key);
      const region = { start, size: end - start + 1n, type: e820Type(n ? n[4]! : o![4]!) };
      if (which === "user") (f.userE820 ??= []).push(region);
      else f.firmwareE820.push(region);
      continue;
    }
    const l = LAPIC.exec(line) ?? X2APIC.exec(line);
    if (l) {
      const id = parseInt(line.includes("ACPI: LAPIC") ? l[2]! : l[1]!, 16);
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
    const kv = BANNER.exec(line) && /^Linux version (\S+)/.exec(line);
    if (kv && f.kernel === null) f.kernel = kv[1]!;
    const dmi = /^DMI: (.+?)(?:, BIOS .*)?$/.exec(line);
    if (dmi && f.dmi === null) f.dmi = dmi[1]!.trim();
    const up = /smp: Brought up \d+ nodes?, (\d+) CPUs?/.exec(line);
    if (up) f.cpusBroughtUp = Number(up[1]);
  }
  const byStart = (a: MemoryRegion, b: MemoryRegion) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : 0;
  f.firmwareE820.sort(byStart);
  f.userE820?.sort(byStart);
  f.e820 = f.userE820 ?? f.firmwareE820;
  return f;
}
