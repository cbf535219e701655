import { describe, expect, it } from "vitest";
import { plan } from "./plan";
import { sipiVector } from "./low-memory";
import type { Machine, MemoryRegion } from "./model";
import { inst, makeMachine, pci, profile } from "./test-support";
import { q } from "./units";
import { planToJson } from "./codec";

// The QEMU guest of DOMAIN.md section 3: -m 2G -smp 2, SeaBIOS's e820 map.
const qemuMap: MemoryRegion[] = [
  { start: 0n, size: q("0x9fc00"), type: "usable" },
  { start: q("0x9fc00"), size: q("0x400"), type: "reserved" },
  { start: q("0xf0000"), size: q("0x10000"), type: "reserved" },
  { start: q("0x100000"), size: q("0x7fee0000"), type: "usable" },
  { start: q("0x7ffe0000"), size: q("0x20000"), type: "reserved" },
  { start: q("0xfeffc000"), size: q("0x4000"), type: "reserved" },
  { start: q("0xfffc0000"), size: q("0x40000"), type: "reserved" },
];
const qemu: Machine = makeMachine({ coresPerSocket: 2, memoryMap: qemuMap });

function unwrap(r: ReturnType<typeof plan>) {
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics, null, 1));
  return r.plan;
}

describe("plan", () => {
  it("gives the verified QEMU layout the verified options (DOMAIN.md section 3)", () => {
    const p = profile(
      inst("os1", [0], [["0x0", "1G"]]),
      inst("os2", [1], [["0x40000000", "512M"]]),
    );
    const r = unwrap(plan(qemu, p));
    expect(r.os1.cmdline).toBe("maxcpus=1 mem=1G memmap=64K$0x80000 tessera.devices=");
    const s = r.successors[0]!;
    expect(s.cmdline).toBe(
      "nokaslr maxcpus=1 memmap=exactmap memmap=64K@0x80000 memmap=512M@0x40000000 tessera.devices=",
    );
    expect(s).toMatchObject({
      name: "os2",
      index: 2,
      bsp: 1,
      cpuCount: 1,
      memMin: q("0x40000000"),
      memMax: q("0x5fffffff"),
      sipiVector: 0x80,
    });
    expect(s.e820).toEqual([
      { start: q("0x80000"), size: q("64K"), type: "usable" },
      { start: q("0x40000000"), size: q("512M"), type: "usable" },
    ]);
  });

  it("refuses an invalid layout and returns the diagnostics instead", () => {
    const p = profile(
      inst("os1", [0], [["0x0", "1G"]]),
      inst("os2", [0], [["0x40000000", "512M"]]),
    );
    const r = plan(qemu, p);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics.map((d) => d.code)).toContain("CPU-SHARED");
  });

  it("keeps warnings in the plan", () => {
    const m = makeMachine({
      coresPerSocket: 4,
      devices: [pci("0000:00:1d.0", { irq: { msi: false, msix: false, pin: "A", line: 16 } })],
    });
    const p = profile(
      inst("os1", [0, 1], [["0x0", "2G"]]),
      inst("os2", [2, 3], [["4G", "1G"]], { devices: ["0000:00:1d.0"] }),
    );
    const o = {
      os1Kernel: "/boot/vmlinuz-6.1",
      os1Initrd: "/boot/initrd.img-6.1",
      os1Root: "/dev/sda2",
    };
    expect(unwrap(plan(m, p, {}, o)).diagnostics.map((d) => d.code)).toEqual(["DEV-INTX"]);
  });

  it("uses explicit low slices and reserves every slice in OS1", () => {
    const p = profile(
      inst("os1", [0], [["0x0", "1G"]]),
      inst("os2", [1], [["0x40000000", "512M"]], {
        lowMemory: { start: q("0x60000"), size: q("32K") },
      }),
    );
    const r = unwrap(plan(qemu, p));
    expect(r.os1.reservations).toEqual([{ start: q("0x60000"), size: q("32K") }]);
    expect(r.os1.options).toContain("memmap=32K$0x60000");
    expect(r.successors[0]!.options).toContain("memmap=32K@0x60000");
  });

  it("adds stock device options where Linux can express ownership", () => {
    const m = makeMachine({
      coresPerSocket: 4,
      devices: [
        pci("0000:03:00.0", { vendor: 0x8086, device: 0x10d3 }),
        { id: "ps2-keyboard", bus: "legacy", kind: "ps2-keyboard", irq: 1 },
        { id: "ps2-mouse", bus: "legacy", kind: "ps2-mouse", irq: 12 },
      ],
    });
    const p = profile(
      inst("os1", [0, 1], [["0x0", "2G"]], { devices: ["ps2-keyboard"] }),
      inst("os2", [2, 3], [["4G", "1G"]], {
        devices: ["0000:03:00.0", "ps2-mouse"],
        cmdline: "console=ttyS0",
      }),
    );
    const r = unwrap(plan(m, p));
    expect(r.os1.options).toEqual([
      "maxcpus=2",
      "mem=2G",
      "memmap=64K$0x80000",
      "tessera.devices=ps2-keyboard",
      "i8042.noaux",
      "pci-stub.ids=8086:10d3",
    ]);
    expect(r.successors[0]!.cmdline).toBe(
      "nokaslr maxcpus=2 memmap=exactmap memmap=64K@0x80000 memmap=1G@0x100000000 tessera.devices=0000:03:00.0,ps2-mouse i8042.nokbd console=ttyS0",
    );
  });

  it("honours a configured ownership option name", () => {
    const p = profile(
      inst("os1", [0], [["0x0", "1G"]]),
      inst("os2", [1], [["0x40000000", "512M"]]),
    );
    const r = unwrap(plan(qemu, p, {}, { ownershipOption: "mint.devices" }));
    expect(r.successors[0]!.cmdline).toContain("mint.devices=");
  });

  it("quotes every word of the GRUB entry, and only there ($ stays literal)", () => {
    const p = profile(
      inst("os1", [0], [["0x0", "1G"]], {
        kernel: "/boot/vmlinuz-6.1",
        initrd: "/boot/initrd.img-6.1",
        cmdline: 'root=/dev/sda1 dyndbg="file x.c +p"',
      }),
      inst("os2", [1], [["0x40000000", "512M"]]),
    );
    const r = unwrap(plan(qemu, p));
    expect(r.os1.cmdline).toContain("memmap=64K$0x80000");
    expect(r.os1.cmdline).toContain('dyndbg="file x.c +p"');
    expect(r.os1.grubEntry).toBe(
      [
        "menuentry 'Tessera: test (os1)' --id 'tessera-test' {",
        "\tlinux\t'/boot/vmlinuz-6.1' 'maxcpus=1' 'mem=1G' 'memmap=64K$0x80000' 'tessera.devices=' 'root=/dev/sda1' 'dyndbg=\"file' 'x.c' '+p\"'",
        "\tinitrd\t'/boot/initrd.img-6.1'",
        "}",
      ].join("\n"),
    );
  });

  it("prints addresses as hex strings in JSON, above 2^53 too", () => {
    const big = makeMachine({
      coresPerSocket: 2,
      memoryMap: [...qemuMap, { start: q("0x40000000000000"), size: q("1G"), type: "usable" }],
    });
    const p = profile(
      inst("os1", [0], [["0x0", "1G"]]),
      inst("os2", [1], [["0x40000000000000", "1G"]]),
    );
    const json = planToJson(unwrap(plan(big, p))) as {
      successors: { memMin: string; memMax: string }[];
    };
    expect(json.successors[0]).toMatchObject({
      memMin: "0x40000000000000",
      memMax: "0x4000003fffffff",
    });
  });
});

describe("sipiVector", () => {
  it("is the slice's first page number, and the plan uses exactly that", () => {
    expect(sipiVector({ start: 0x9f000n, size: 0x1000n })).toBe(0x9f);
    expect(sipiVector({ start: 0x80000n, size: 0x10000n })).toBe(0x80);
  });
});
