import { describe, expect, it } from "vitest";
import { buildLegacyDevices, emptyLegacyFacts } from "./legacy-devices";
import { pci } from "./test-support";
import { q } from "./units";

describe("buildLegacyDevices", () => {
  it("makes no device from no facts", () => {
    expect(buildLegacyDevices(emptyLegacyFacts(), [])).toEqual([]);
  });

  it("names, numbers and orders every kind the same way for every source", () => {
    const devices = buildLegacyDevices(
      {
        serial: [
          { port: 0x3f8, line: 4 },
          { port: 0x2f8, line: null },
        ],
        keyboard: { line: 1 },
        mouse: { line: 12 },
        vga: { name: "boot VGA 0000:00:02.0" },
      },
      [],
    );
    expect(devices).toEqual([
      { id: "serial@0x3f8", bus: "legacy", kind: "serial", ioPort: 0x3f8, irq: 4, name: null },
      { id: "serial@0x2f8", bus: "legacy", kind: "serial", ioPort: 0x2f8, irq: null, name: null },
      {
        id: "ps2-keyboard",
        bus: "legacy",
        kind: "ps2-keyboard",
        ioPort: 0x60,
        irq: 1,
        name: "i8042",
      },
      { id: "ps2-mouse", bus: "legacy", kind: "ps2-mouse", ioPort: 0x60, irq: 12, name: "i8042" },
      {
        id: "vga",
        bus: "legacy",
        kind: "vga",
        ioPort: 0x3c0,
        irq: null,
        name: "boot VGA 0000:00:02.0",
      },
    ]);
  });

  it("leaves out a UART behind a PCI I/O BAR, and a port listed twice", () => {
    const card = pci("0000:03:00.0", {
      bars: [{ index: 0, start: q("0xe000"), size: q("0x8"), kind: "io" }],
    });
    const facts = {
      ...emptyLegacyFacts(),
      serial: [
        { port: 0xe000, line: 17 },
        { port: 0x3f8, line: 4 },
        { port: 0x3f8, line: 4 },
      ],
    };
    expect(buildLegacyDevices(facts, [card]).map((d) => d.id)).toEqual(["serial@0x3f8"]);
  });
});
