// Field layout per the Intel MultiProcessor Specification 1.4: floating pointer (4.1),
// configuration table header (4.2), processor entry (4.3.1), bus entry (4.3.2).
import { describe, expect, it } from "vitest";
import { buildMpTable, checksum } from "./mp-table";

const sum = (b: Uint8Array) => b.reduce((s, x) => (s + x) & 0xff, 0);

describe("MP table", () => {
  const t = buildMpTable(0x380n, [1, 2], 1, 0x40002000n);

  it("floating pointer: _MP_, config address, length 1, revision 1.4, checksum, IMCR bit clear", () => {
    const p = t.pointer;
    expect(p.length).toBe(16);
    expect(p.toString("latin1", 0, 4)).toBe("_MP_");
    expect(p.readUInt32LE(4)).toBe(0x390);
    expect(p[8]).toBe(1);
    expect(p[9]).toBe(4);
    expect(sum(p)).toBe(0);
    expect(p[11]).toBe(0); // a configuration table follows, no default configuration
    expect(p[12]! & 0x80).toBe(0); // IMCRP clear: virtual wire mode
  });

  it("config table: PCMP, length, revision, checksum, entry count, LAPIC address, 16 bytes after the pointer", () => {
    const c = t.config;
    expect(t.configAt).toBe(0x390n);
    expect(c.toString("latin1", 0, 4)).toBe("PCMP");
    expect(c.readUInt16LE(4)).toBe(44 + 2 * 20 + 8);
    expect(c.length).toBe(c.readUInt16LE(4));
    expect(c[6]).toBe(4);
    expect(sum(c)).toBe(0);
    expect(c.readUInt16LE(34)).toBe(3);
    expect(c.readUInt32LE(36)).toBe(0xfee00000);
    expect(c.readUInt16LE(40)).toBe(0); // no extended table
    expect(0x390 + c.length).toBeLessThanOrEqual(0x400);
  });

  it("one processor entry per core, BSP first and flagged, all enabled; one ISA bus; no I/O APIC", () => {
    const c = t.config;
    const entries = [];
    let at = 44;
    while (at < c.length) {
      const type = c[at]!;
      entries.push(
        type === 0
          ? { type, apic: c[at + 1], ver: c[at + 2], flags: c[at + 3] }
          : { type, bus: c[at + 1], name: c.toString("latin1", at + 2, at + 8) },
      );
      at += type === 0 ? 20 : 8;
    }
    expect(entries).toEqual([
      { type: 0, apic: 1, ver: 0x14, flags: 0x03 },
      { type: 0, apic: 2, ver: 0x14, flags: 0x01 },
      { type: 1, bus: 0, name: "ISA   " },
    ]);
  });

  it("a table too big for 0x390-0x3ff goes to the spare page in the successor's range", () => {
    const big = buildMpTable(0x380n, [4, 5, 6, 7], 4, 0x40002000n);
    expect(big.configAt).toBe(0x40002000n);
    expect(big.pointer.readUInt32LE(4)).toBe(0x40002000);
    expect(sum(big.pointer)).toBe(0);
    expect(sum(big.config)).toBe(0);
    expect(big.config.readUInt16LE(34)).toBe(5);
    // three cores still fit next to the pointer
    expect(buildMpTable(0x380n, [1, 2, 3], 1, 0x40002000n).configAt).toBe(0x390n);
  });

  it("refuses a BSP not listed first and LAPIC IDs the 8-bit field cannot hold", () => {
    expect(() => buildMpTable(0x380n, [2, 1], 1, 0x40002000n)).toThrow(/BSP \(1\) first/);
    expect(() => buildMpTable(0x380n, [255], 255, 0x40002000n)).toThrow(/8-bit/);
  });

  it("checksum makes the sum 0", () => {
    const b = Buffer.from([1, 2, 3, 0]);
    b[3] = checksum(b);
    expect(sum(b)).toBe(0);
  });
});
