// Legacy devices that no driver binding splits: the ISA serial ports, the i8042 keyboard and
// mouse, and VGA's fixed I/O window. Their interrupt is reported as the I/O APIC line.
import {
  buildLegacyDevices,
  emptyLegacyFacts,
  type LegacyDevice,
  type PciDevice,
} from "@tessera/core";
import type { InterruptRow } from "./text-formats";
import type { TreeReader } from "./tree-reader";

export interface IoportEntry {
  start: number;
  end: number;
  name: string;
}

/** Every line of /proc/ioports, nested ones included. */
export function parseIoports(text: string): IoportEntry[] {
  const out: IoportEntry[] = [];
  for (const raw of text.split("\n")) {
    const m = /^\s*([0-9a-f]+)-([0-9a-f]+) : (.*)$/i.exec(raw);
    if (m) out.push({ start: parseInt(m[1]!, 16), end: parseInt(m[2]!, 16), name: m[3]!.trim() });
  }
  return out;
}

export interface SerialPort {
  port: number;
  irq: number | null;
}

/** /proc/tty/driver/serial: "0: uart:16550A port:000003F8 irq:4 ..."; uart:unknown = no port. */
export function parseProcSerial(text: string): SerialPort[] {
  const out: SerialPort[] = [];
  for (const raw of text.split("\n")) {
    const m = /^\s*\d+:\s+uart:(\S+)\s+port:([0-9a-f]+)\s+irq:(\d+)/i.exec(raw);
    if (!m || m[1]!.toLowerCase() === "unknown") continue;
    out.push({ port: parseInt(m[2]!, 16), irq: Number(m[3]) });
  }
  return out;
}

async function sysfsSerial(
  r: TreeReader,
  ioports: IoportEntry[],
  unknown: string[],
): Promise<SerialPort[]> {
  const out: SerialPort[] = [];
  for (const name of (await r.list("/sys/class/tty")) ?? []) {
    if (!/^ttyS\d+$/.test(name)) continue;
    const dir = await r.resolve(`/sys/class/tty/${name}`);
    const [portT, irqT, typeT] = await Promise.all([
      r.line(`${dir}/port`),
      r.line(`${dir}/irq`),
      r.line(`${dir}/type`),
    ]);
    if (portT === null || !/^0x[0-9a-f]+$/i.test(portT)) continue;
    const port = parseInt(portT, 16);
    if (port === 0) continue;
    // type 0 is PORT_UNKNOWN: the kernel probed and found no UART there.
    const present =
      typeT !== null ? typeT !== "0" : ioports.some((e) => e.start === port && e.name === "serial");
    if (typeT === null && !present) {
      unknown.push(
        `${name} at 0x${port.toString(16)}: no type file and no serial entry in /proc/ioports`,
      );
      continue;
    }
    if (present) out.push({ port, irq: irqT !== null && /^\d+$/.test(irqT) ? Number(irqT) : null });
  }
  return out;
}

export async function readLegacy(
  r: TreeReader,
  interrupts: InterruptRow[] | null,
  pci: PciDevice[],
): Promise<{ devices: LegacyDevice[]; unknown: string[] }> {
  const unknown: string[] = [];
  const ioportsText = await r.text("/proc/ioports");
  const ioports = ioportsText === null ? [] : parseIoports(ioportsText);
  if (ioportsText === null) unknown.push("legacy I/O ports: no /proc/ioports");
  // Non-root readers see every range as 0000-0000: then only the names can be trusted.
  const hidden = ioports.length > 0 && ioports.every((e) => e.start === 0 && e.end === 0);
  if (hidden)
    r.problem(
      "/proc/ioports",
      "every range reads as 0000-0000: the kernel hides them from non-root readers (run as root)",
    );
  const rows = interrupts ?? [];
  const lineOf = (irq: number | null): number | null => {
    if (irq === null || irq === 0) return null;
    const row = rows.find((x) => x.irq === irq);
    return row?.kind === "ioapic" ? row.ioapicLine : irq;
  };

  // What /proc and sysfs say, as facts; core's buildLegacyDevices makes the devices (the
  // importer fills the same document from dmesg).
  const facts = emptyLegacyFacts();
  const procSerial = await r.text("/proc/tty/driver/serial");
  const ports =
    procSerial !== null ? parseProcSerial(procSerial) : await sysfsSerial(r, ioports, unknown);
  facts.serial = ports.map((p) => ({ port: p.port, line: lineOf(p.irq) }));

  const i8042Lines = rows
    .filter((x) => x.kind === "ioapic" && x.actions.includes("i8042"))
    .map((x) => x.ioapicLine);
  const kbdPorts = ioports.some((e) => (hidden || e.start === 0x60) && e.name === "keyboard");
  if (kbdPorts || i8042Lines.length) {
    const kbdLine = i8042Lines.includes(1) ? 1 : null;
    facts.keyboard = { line: kbdLine };
    if (kbdLine === null)
      unknown.push("ps2-keyboard interrupt line: no i8042 row in /proc/interrupts");
    if (i8042Lines.includes(12)) facts.mouse = { line: 12 };
    else if (interrupts === null)
      unknown.push("ps2-mouse: whether the i8042 has an AUX port (no /proc/interrupts)");
  }

  const bootVga = pci.find((d) => d.bootVga);
  const vgaPorts = ioports.find(
    (e) => (hidden || (e.start <= 0x3c0 && e.end >= 0x3df)) && /^vga/i.test(e.name),
  );
  if (vgaPorts || bootVga)
    facts.vga = { name: bootVga ? `boot VGA ${bootVga.id}` : vgaPorts!.name };
  const devices = buildLegacyDevices(facts, pci);
  return { devices, unknown };
}
