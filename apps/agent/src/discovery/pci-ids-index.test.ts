// indexPciIds (lookups in place) must answer exactly what parsePciIds (the whole file parsed)
// answers: for every vendor and device of the real pci.ids, for ids it does not list, and for
// the odd lines a hand-edited file can hold.
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { indexPciIds, loadPciIds } from "./pci-ids-index";
import { DEFAULT_PCI_IDS, parsePciIds } from "./pci-names";

/** Every vendor and device id a file's vendor section names (ids with their vendor). */
function idsIn(text: string): { vendors: number[]; devices: [number, number][] } {
  const vendors: number[] = [];
  const devices: [number, number][] = [];
  let v = -1;
  for (const line of text.split("\n")) {
    if (line.startsWith("C ")) break;
    const vm = /^([0-9a-f]{4})\s/.exec(line);
    if (vm) vendors.push((v = parseInt(vm[1]!, 16)));
    const dm = /^\t([0-9a-f]{4})\s/.exec(line);
    if (dm && v >= 0) devices.push([v, parseInt(dm[1]!, 16)]);
  }
  return { vendors, devices };
}

function expectSame(text: string, extra: [number, number][] = []): void {
  const full = parsePciIds(text);
  const indexed = indexPciIds(Buffer.from(text, "utf8"));
  const { vendors, devices } = idsIn(text);
  for (const v of [...vendors, ...extra.map(([v]) => v)])
    expect(indexed.vendor(v), `vendor ${v.toString(16)}`).toBe(full.vendor(v));
  for (const [v, d] of [...devices, ...extra])
    expect(indexed.device(v, d), `device ${v.toString(16)}:${d.toString(16)}`).toBe(
      full.device(v, d),
    );
}

describe("pci.ids looked up in place", () => {
  it.skipIf(!existsSync(DEFAULT_PCI_IDS))(
    "answers every vendor and device of this host's pci.ids as the full parse does",
    () => {
      const bytes = readFileSync(DEFAULT_PCI_IDS);
      const text = bytes.toString("utf8");
      const full = parsePciIds(text);
      const indexed = indexPciIds(bytes);
      const { vendors, devices } = idsIn(text);
      expect(vendors.length).toBeGreaterThan(1000);
      expect(devices.length).toBeGreaterThan(10000);
      for (const v of vendors) expect(indexed.vendor(v)).toBe(full.vendor(v));
      for (const [v, d] of devices) expect(indexed.device(v, d)).toBe(full.device(v, d));
      // Ids it does not list, subsystem ids (tab-tab lines) and class codes are no names.
      for (const [v, d] of [
        [0x8086, 0xfffe],
        [0xfffe, 0x0001],
        [0x1af4, 0x1af4],
        [0x0000, 0x0000],
        [0x8086, 0x0001],
      ] as const) {
        expect(indexed.vendor(v)).toBe(full.vendor(v));
        expect(indexed.device(v, d)).toBe(full.device(v, d));
      }
      expect(indexed.vendor(0x8086)).toBe("Intel Corporation");
      // The reverse lookups come from the full parse.
      expect(indexed.vendorsByName().get("Intel Corporation")).toEqual([0x8086]);
    },
  );

  it("follows the full parse on odd files: repeats, comments, bad lines, CRLF, the class section", () => {
    expectSame(
      [
        "1234  First line of the file",
        "\t0001  dev one",
        "# a comment inside a vendor keeps the vendor",
        "\t0002  dev two",
        "",
        "\t0003  after an empty line",
        "\t\t1234 0001  a subsystem is no device",
        "abcd  Vendor twice: first",
        "\t0001  first",
        "\t0002  only in the first",
        "zz not a vendor line ends abcd",
        "\t0003  belongs to no vendor",
        "abcd\tVendor twice: the later wins",
        "\t0001  later",
        "1111  CRLF vendor\r",
        "\t0001  under a vendor that does not parse",
        "2222  ok",
        "\t0001  CRLF device\r",
        "\t00012  five digits",
        "\t0002\tdev with a tab",
        "3333x  not a vendor",
        "C 02  Network controller",
        "4444  after the class section",
        "\t0001  not counted",
      ].join("\n"),
      [
        [0x4444, 0x0001],
        [0x2222, 0x0001],
        [0x3333, 0x0001],
        [0x1234, 0x0003],
        [0x0002, 0x0001],
      ],
    );
  });

  it("handles a file with no class section, no final newline, and ids out of 16 bits", () => {
    const text = "8086  Intel Corporation\n\t10d3  82574L\n8087  Intel\n\t0001  x";
    expectSame(text);
    const indexed = indexPciIds(Buffer.from(text));
    expect(indexed.device(0x8086, 0x10d3)).toBe("82574L");
    expect(indexed.device(0x8087, 0x0001)).toBe("x");
    expect(indexed.vendor(0x18086)).toBeNull();
    expect(indexed.device(0x8086, 0x10010)).toBe(parsePciIds(text).device(0x8086, 0x10010));
    expect(indexPciIds(Buffer.from("C 00  Unclassified\n8086  Intel\n")).vendor(0x8086)).toBeNull();
    expect(indexPciIds(Buffer.from("")).vendor(0)).toBeNull();
  });

  it.skipIf(!existsSync(DEFAULT_PCI_IDS))("loadPciIds reads the installed file", async () => {
    const ids = await loadPciIds();
    expect(ids?.device(0x8086, 0x10d3)).toBe(
      parsePciIds(readFileSync(DEFAULT_PCI_IDS, "utf8")).device(0x8086, 0x10d3),
    );
    expect(await loadPciIds("/nonexistent/pci.ids")).toBeNull();
  });
});
