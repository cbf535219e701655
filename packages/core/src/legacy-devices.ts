// The machine's legacy devices (ISA serial ports, the i8042 keyboard and mouse, VGA's fixed
// I/O window), built in one place from facts. Each source contributes what it knows to one
// LegacyFacts document (live discovery from /proc and sysfs, the importer from dmesg text),
// the way a board inspector's extractors fill one board description; this turns the
// document into devices, so every source names, numbers and filters them alike.
import type { LegacyDevice, PciDevice } from "./model";

/** I/O port base of the i8042 controller (keyboard and AUX share it). */
const I8042_PORT = 0x60;
/** Start of VGA's fixed I/O window (0x3c0-0x3df). */
const VGA_PORT = 0x3c0;

export interface LegacyFacts {
  /** UARTs found, by I/O port; `line` is the I/O APIC line of its interrupt, null if unknown. */
  serial: { port: number; line: number | null }[];
  /** The i8042's keyboard port, when there is one. */
  keyboard: { line: number | null } | null;
  /** The i8042's AUX (mouse) port, when there is one. */
  mouse: { line: number | null } | null;
  /** VGA's legacy window is decoded; `name` says by what (the boot VGA device, or the port owner). */
  vga: { name: string } | null;
}

/** No legacy device known yet: sources add to it. */
export function emptyLegacyFacts(): LegacyFacts {
  return { serial: [], keyboard: null, mouse: null, vga: null };
}

/**
 * The legacy devices of `facts`. A UART whose port lies in a PCI device's I/O BAR belongs to
 * that PCI device and is left out; a port listed twice is one device.
 */
export function buildLegacyDevices(facts: LegacyFacts, pci: readonly PciDevice[]): LegacyDevice[] {
  const inPciBar = (port: number) =>
    pci.some((d) =>
      d.bars?.some(
        (b) => b.kind === "io" && BigInt(port) >= b.start && BigInt(port) < b.start + b.size,
      ),
    );
  const out: LegacyDevice[] = [];
  for (const s of facts.serial) {
    const id = `serial@0x${s.port.toString(16)}`;
    if (inPciBar(s.port) || out.some((d) => d.id === id)) continue;
    out.push({ id, bus: "legacy", kind: "serial", ioPort: s.port, irq: s.line, name: null });
  }
  if (facts.keyboard)
    out.push({
      id: "ps2-keyboard",
      bus: "legacy",
      kind: "ps2-keyboard",
      ioPort: I8042_PORT,
      irq: facts.keyboard.line,
      name: "i8042",
    });
  if (facts.mouse)
    out.push({
      id: "ps2-mouse",
      bus: "legacy",
      kind: "ps2-mouse",
      ioPort: I8042_PORT,
      irq: facts.mouse.line,
      name: "i8042",
    });
  if (facts.vga)
    out.push({
      id: "vga",
      bus: "legacy",
      kind: "vga",
      ioPort: VGA_PORT,
      irq: null,
      name: facts.vga.name,
    });
  return out;
}
