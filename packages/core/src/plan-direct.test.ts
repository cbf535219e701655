// The plan for the direct loader: OS1's and the successors' options, the mailbox pages and
// SuccessorPlan.direct, on the layouts of the verified QEMU runs.
import { describe, expect, it } from "vitest";
import { plan } from "./plan";
import { planToJson } from "./codec";
import { planJsonSchema } from "./wire/json-schema";
import type { Machine, MemoryRegion } from "./model";
import { inst, makeMachine, pcLowMap, pci, profile } from "./test-support";
import { q } from "./units";

// The QEMU guest of the direct-boot runs: -m 2G, SeaBIOS's e820 map, ttyS0-ttyS2.
const qemuMap: MemoryRegion[] = [
  { start: 0n, size: q("0x9fc00"), type: "usable" },
  { start: q("0x9fc00"), size: q("0x400"), type: "reserved" },
  { start: q("0xf0000"), size: q("0x10000"), type: "reserved" },
  { start: q("0x100000"), size: q("0x7fee0000"), type: "usable" },
  { start: q("0x7ffe0000"), size: q("0x20000"), type: "reserved" },
];
const qemu: Machine = {
  ...makeMachine({
    coresPerSocket: 5,
    memoryMap: qemuMap,
    devices: [
      { id: "serial@0x3f8", bus: "legacy", kind: "serial", ioPort: 0x3f8, irq: 4, name: "ttyS0" },
      { id: "serial@0x2f8", bus: "legacy", kind: "serial", ioPort: 0x2f8, irq: 3, name: "ttyS1" },
      { id: "serial@0x3e8", bus: "legacy", kind: "serial", ioPort: 0x3e8, irq: 4, name: "ttyS2" },
      pci("0000:00:02.0"),
    ],
  }),
  platform: { tscKhz: 2300000, x2apic: false },
};

function unwrap(r: ReturnType<typeof plan>) {
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics, null, 1));
  return r.plan;
}

const two = () =>
  profile(
    inst("os1", [0, 1], [["0x0", "1G"]], { devices: ["serial@0x3f8"], cmdline: "console=ttyS0" }),
    inst("os2", [2, 3], [["0x40000000", "256M"]], { devices: ["serial@0x2f8"] }),
    inst("os3", [4], [["0x50000000", "256M"]]),
  );

describe("plan under the direct loader", () => {
  it("gives OS1 the direct options and a reserved mailbox page per successor, top down", () => {
    const r = unwrap(plan(qemu, two(), {}, { loader: "direct" }));
    expect(r.os1.cmdline).toBe(
      "maxcpus=2 mem=1G memmap=64K$0x70000 memmap=64K$0x80000 memmap=4K$0x3fffe000 memmap=4K$0x3ffff000 iomem=relaxed hpet=disable tessera.devices=serial@0x3f8 console=ttyS0",
    );
    expect(r.os1.reservations).toEqual([
      { start: q("0x70000"), size: q("64K") },
      { start: q("0x80000"), size: q("64K") },
      { start: q("0x3fffe000"), size: q("4K") },
      { start: q("0x3ffff000"), size: q("4K") },
    ]);
    expect(r.successors.map((s) => s.direct?.mailbox)).toEqual([q("0x3ffff000"), q("0x3fffe000")]);
  });

  it("gives each successor the verified options, its console, and no maxcpus/memmap", () => {
    const r = unwrap(plan(qemu, two(), {}, { loader: "direct" }));
    const [os2, os3] = r.successors;
    expect(os2!.cmdline).toBe(
      "acpi=off pci=off noapic nokaslr tsc_early_khz=2300000 tsc=reliable no_ipi_broadcast=1 panic=0 iomem=relaxed printk.devkmsg=on initcall_blacklist=i8042_init,cmos_init,add_rtc_cmos tessera.mailbox=0x3ffff000 console=ttyS1,115200 earlyprintk=serial,0x2f8,115200 tessera.devices=serial@0x2f8",
    );
    expect(os2!.direct).toEqual({
      mailbox: q("0x3ffff000"),
      mpTable: 0x380n,
      console: { port: 0x2f8, tty: "ttyS1" },
      tscKhz: 2300000,
    });
    expect(os3!.direct?.console).toBeNull();
    expect(os3!.cmdline).not.toContain("console=");
    // The loader writes the e820 itself: exactly the slice and the ranges, as for every loader.
    expect(os2!.e820).toEqual([
      { start: q("0x80000"), size: q("64K"), type: "usable" },
      { start: q("0x40000000"), size: q("256M"), type: "usable" },
    ]);
    expect(os2).toMatchObject({ bsp: 2, cpus: [2, 3], sipiVector: 0x80 });
  });

  it("names ttyS2 by port for earlyprintk, whose parser knows only ttyS0 and ttyS1", () => {
    const p = two();
    p.instances[0]!.cmdline = "console=ttyS1";
    p.instances[0]!.devices = ["serial@0x2f8"];
    p.instances[1]!.devices = ["serial@0x3e8"];
    const r = plan(qemu, p, {}, { loader: "direct" });
    const os2 = unwrap(r).successors[0]!;
    expect(os2.options).toContain("console=ttyS2,115200");
    expect(os2.options).toContain("earlyprintk=serial,0x3e8,115200");
    expect(os2.direct?.console).toEqual({ port: 0x3e8, tty: "ttyS2" });
  });

  it("uses the user's tsc_early_khz= instead of discovery's, and does not repeat it", () => {
    const p = two();
    p.instances[2]!.cmdline = "tsc_early_khz=1999000";
    const unknown: Machine = { ...qemu, platform: { tscKhz: null, x2apic: null } };
    p.instances[1]!.cmdline = "tsc_early_khz=2000000";
    const r = unwrap(plan(unknown, p, {}, { loader: "direct" }));
    expect(r.successors.map((s) => s.direct?.tscKhz)).toEqual([2000000, 1999000]);
    expect(r.successors[0]!.cmdline.match(/tsc_early_khz=/g)).toHaveLength(1);
    // x2apic unknown: nox2apic stays (it is harmless where there is none).
    expect(r.os1.options).toContain("nox2apic");
  });

  it("adds nox2apic to OS1 when the CPUs have x2APIC", () => {
    const r = unwrap(
      plan(
        { ...qemu, platform: { tscKhz: 2300000, x2apic: true } },
        two(),
        {},
        { loader: "direct" },
      ),
    );
    expect(r.os1.options).toEqual([
      "maxcpus=2",
      "mem=1G",
      "memmap=64K$0x70000",
      "memmap=64K$0x80000",
      "memmap=4K$0x3fffe000",
      "memmap=4K$0x3ffff000",
      "iomem=relaxed",
      "hpet=disable",
      "nox2apic",
      "tessera.devices=serial@0x3f8",
    ]);
  });

  it("skips pages of firmware tables at the top of OS1's range", () => {
    // pcLowMap: usable to 0x7ff00000, ACPI tables up to 2 GiB.
    const m: Machine = {
      ...makeMachine({
        coresPerSocket: 4,
        memoryMap: [...pcLowMap(), { start: q("4G"), size: q("4G"), type: "usable" }],
      }),
      platform: { tscKhz: 3000000, x2apic: false },
    };
    const p = profile(inst("os1", [0, 1], [["0x0", "2G"]]), inst("os2", [2, 3], [["4G", "1G"]]));
    const r = unwrap(plan(m, p, {}, { loader: "direct" }));
    expect(r.successors[0]!.direct?.mailbox).toBe(q("0x7feff000"));
  });

  it("leaves the plan of every other loader unchanged", () => {
    const stock = unwrap(plan(qemu, two()));
    for (const loader of ["mint", "multikernel", "dry-run"] as const) {
      expect(unwrap(plan(qemu, two(), {}, { loader }))).toEqual(stock);
    }
    expect(stock.successors.every((s) => s.direct === undefined)).toBe(true);
  });

  it("carries direct in JSON, addresses as hex strings, with every key the schema declares", () => {
    const json = planToJson(unwrap(plan(qemu, two(), {}, { loader: "direct" }))) as {
      successors: { direct: Record<string, unknown> }[];
    };
    expect(json.successors[0]!.direct).toEqual({
      mailbox: "0x3ffff000",
      mpTable: "0x380",
      console: { port: 0x2f8, tty: "ttyS1" },
      tscKhz: 2300000,
    });
    const schema = planJsonSchema.properties.successors.items.properties.direct;
    expect(Object.keys(json.successors[0]!.direct).sort()).toEqual([...schema.required].sort());
    const hex = new RegExp(schema.properties.mailbox.pattern);
    expect(hex.test(json.successors[0]!.direct.mailbox as string)).toBe(true);
    expect(hex.test(json.successors[0]!.direct.mpTable as string)).toBe(true);
  });
});
