// The machine index's lookup tables: LAPIC IDs dense enough for a table (apicSlot) and IDs so
// sparse that positionOf() falls back to the map must give the same answers, and so must
// every core rule that reads them.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { indexMachine, positionOf } from "./machine-index";
import { validate } from "./validate";
import type { Diagnostic, Machine } from "./model";
import { inst, makeMachine, pci, profile } from "./test-support";

const shape = { sockets: 2, coresPerSocket: 4, threads: 2 } as const;
const dense = makeMachine(shape);
// The same cores with LAPIC IDs far apart: too sparse for a table.
const spread = (a: number) => a * 100_000 + 7;
const sparse: Machine = makeMachine({
  ...shape,
  apic: (s, c, t) => spread(s * 8 + c * 2 + t),
});

describe("machine index lookup tables", () => {
  it("uses a table for dense LAPIC IDs and the map for sparse ones", () => {
    expect(indexMachine(dense).apicSlot).not.toBeNull();
    expect(indexMachine(sparse).apicSlot).toBeNull();
    const odd = makeMachine({ sockets: 1, coresPerSocket: 2, apic: (_s, c) => c - 1 });
    expect(indexMachine(odd).apicSlot).toBeNull(); // a negative ID: no table
  });

  it("positionOf answers as the position map does, present or not", () => {
    for (const m of [dense, sparse]) {
      const idx = indexMachine(m);
      const probes = [...idx.apicIds, -1, 0.5, 1.5, 16, 17, 2 ** 31, NaN, spread(99)];
      for (const a of probes)
        expect(positionOf(idx, a), `LAPIC ${a}`).toBe(idx.position.get(a) ?? -1);
    }
  });

  it("numbers devices by their id and IOMMU groups densely", () => {
    const m = makeMachine({
      devices: [
        pci("0000:00:02.0", { iommuGroup: 40 }),
        pci("0000:00:03.0", { iommuGroup: 40, device: 0x1533 }),
        pci("0000:00:04.0", { iommuGroup: 3 }),
        pci("0000:00:1c.0", { class: 0x060400 }),
        { id: "ps2-keyboard", bus: "legacy", kind: "ps2-keyboard", irq: 1 },
      ],
    });
    const idx = indexMachine(m);
    expect([...idx.deviceNo]).toEqual(m.devices.map((d, n) => [d.id, n]));
    expect([...idx.groupNo]).toEqual([0, 0, 1, -1, -1]);
    expect(idx.groupCount).toBe(2);
    expect([...idx.pairNo].map((n) => (n === -1 ? null : idx.pairs[n]))).toEqual(
      m.devices.map((d) => idx.pciPair.get(d.id) ?? null),
    );
    expect([...idx.assignableNo].map((n) => m.devices[n]!.id)).toEqual(idx.assignable);
  });

  it("the core rules find the same on the table and on the map (fast-check)", () => {
    const ids = dense.cpus.map((c) => c.apicId);
    // Present cores, repeats, and LAPIC IDs that are no core (CPU-UNKNOWN).
    const core = fc.oneof(fc.constantFrom(...ids), fc.constantFrom(-1, 16, 40, 1.5));
    const cores = fc.array(core, { maxLength: 10 });
    fc.assert(
      fc.property(fc.array(cores, { minLength: 1, maxLength: 3 }), (lists) => {
        const mem: [string, string][][] = [[["0x0", "2G"]], [["4G", "1G"]], [["6G", "1G"]]];
        const on = (f: (a: number) => number) =>
          profile(...lists.map((l, i) => inst(`os${i + 1}`, l.map(f), mem[i]!)));
        const shown = (ds: Diagnostic[], back: (a: number) => number) =>
          ds.map((d) => ({
            code: d.code,
            path: d.path,
            instance: d.instance,
            cpus: d.subject?.cpus?.map(back),
          }));
        const fromDense = shown(
          validate(
            dense,
            on((a) => a),
          ),
          (a) => a,
        );
        const fromSparse = shown(validate(sparse, on(spread)), (a) => (a - 7) / 100_000);
        expect(fromSparse).toEqual(fromDense);
      }),
      { numRuns: 200 },
    );
  });
});
