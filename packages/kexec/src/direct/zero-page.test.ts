// Offsets checked against the kernel's Documentation/arch/x86/boot.rst and zero-page.rst.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { inspectKernelBytes } from "../bzimage";
import { bzImageWithPayload, directSuccessor } from "../../test/direct-fixture";
import { fetchDebian } from "../../test/debian-kernel";
import { directLayout } from "./layout";
import { buildCmdline, buildZeroPage, setupHeaderEnd } from "./zero-page";

const image = bzImageWithPayload(0x10000);

function build(plan = directSuccessor(), initrdBytes = 0x123456, head: Buffer = image) {
  const h = inspectKernelBytes(head).header!;
  const layout = directLayout({ plan, header: h, kernelFileBytes: head.length, initrdBytes });
  return { zp: buildZeroPage({ head, layout, e820: plan.e820 }), layout };
}

describe("zero page", () => {
  it("copies the setup header 0x1f1 up to 0x202 + the byte at 0x201, nothing before or after", () => {
    const head = Buffer.from(image);
    head.fill(0xaa, 0x26c, 0x290); // bytes after the header end must not be copied
    head.fill(0xbb, 0, 0x1f1);
    const { zp } = build(undefined, 0, head);
    expect(setupHeaderEnd(head)).toBe(0x26c);
    // the 0xbb bytes stay out (0x1e8 is e820_entries, set by the loader)
    expect(zp.subarray(0, 0x1e8).every((b) => b === 0)).toBe(true);
    expect(zp.subarray(0x26c, 0x290).every((b) => b === 0)).toBe(true);
    expect(zp.toString("latin1", 0x202, 0x206)).toBe("HdrS");
    expect(zp.readUInt16LE(0x206)).toBe(0x020f);
    expect(zp.readUInt32LE(0x260)).toBe(0x3f98000); // init_size travels with the header
    expect(zp.readUInt8(0x1ef)).toBe(0); // sentinel stays 0: the kernel trusts the page
  });

  it("fills the loader's fields: type_of_loader 0xff, code32_start, ramdisk, cmd_line_ptr", () => {
    const { zp, layout } = build();
    expect(zp.readUInt8(0x210)).toBe(0xff);
    expect(zp.readUInt32LE(0x214)).toBe(Number(layout.kernel));
    expect(zp.readUInt32LE(0x214)).toBe(0x40200000);
    expect(zp.readUInt32LE(0x218)).toBe(Number(layout.initrd));
    expect(zp.readUInt32LE(0x21c)).toBe(0x123456);
    expect(zp.readUInt32LE(0x228)).toBe(0x40001000);
    expect(zp.readUInt32LE(0x0c0)).toBe(0); // ext_ramdisk_image: below 4 GiB
    expect(zp.readUInt32LE(0x0c4)).toBe(0);
    expect(zp.readUInt32LE(0x0c8)).toBe(0);
  });

  it("loadflags: LOADED_HIGH kept, CAN_USE_HEAP and KEEP_SEGMENTS cleared, heap_end_ptr 0", () => {
    const head = Buffer.from(image);
    head.writeUInt8(0x01 | 0x40 | 0x80 | 0x20, 0x211);
    head.writeUInt16LE(0x5be0, 0x224);
    const { zp } = build(undefined, 0, head);
    expect(zp.readUInt8(0x211)).toBe(0x21);
    expect(zp.readUInt16LE(0x224)).toBe(0);
  });

  it("the e820 table is exactly the plan's: count at 0x1e8, 20-byte entries from 0x2d0", () => {
    const plan = directSuccessor({
      e820: [
        { start: 0x80000n, size: 0x8000n, type: "usable" },
        { start: 0x40000000n, size: 0x20000000n, type: "usable" },
        { start: 0x60000000n, size: 0x1000n, type: "reserved" },
      ],
    });
    const { zp } = build(plan);
    expect(zp.readUInt8(0x1e8)).toBe(3);
    const entries = [0, 1, 2].map((i) => [
      zp.readBigUInt64LE(0x2d0 + i * 20),
      zp.readBigUInt64LE(0x2d0 + i * 20 + 8),
      zp.readUInt32LE(0x2d0 + i * 20 + 16),
    ]);
    expect(entries).toEqual([
      [0x80000n, 0x8000n, 1],
      [0x40000000n, 0x20000000n, 1],
      [0x60000000n, 0x1000n, 2],
    ]);
    expect(zp.subarray(0x2d0 + 60, 0x2d0 + 80).every((b) => b === 0)).toBe(true);
  });

  it("ext fields carry the high 32 bits of an initrd above 4 GiB", () => {
    // directLayout keeps the kernel below 4 GiB and the initrd right above it, so a layout
    // with an initrd at 0x1_2345_6000 is made by hand here to check the field split.
    const { layout } = build();
    const high = { ...layout, initrd: 0x1_2345_6000n, initrdBytes: 0x1000 };
    const zp = buildZeroPage({ head: image, layout: high, e820: directSuccessor().e820 });
    expect(zp.readUInt32LE(0x0c0)).toBe(1);
    expect(zp.readUInt32LE(0x218)).toBe(0x2345_6000);
    expect(zp.readUInt32LE(0x0c4)).toBe(0);
    expect(zp.readUInt32LE(0x21c)).toBe(0x1000);
  });

  it("refuses an e820 entry of unknown type and an empty map", () => {
    expect(() =>
      build(directSuccessor({ e820: [{ start: 0n, size: 0x1000n, type: "unknown" }] })),
    ).toThrow(/no e820 code/);
    expect(() => build(directSuccessor({ e820: [] }))).toThrow(/1 to 128/);
  });

  it("command line: NUL-terminated, refused past cmdline_size", () => {
    expect(buildCmdline("a b", 2047)).toEqual(Buffer.from("a b\0", "latin1"));
    expect(() => buildCmdline("x".repeat(2048), 2047)).toThrow(/at most 2047/);
  });

  it("Debian's real bzImage: its header is copied up to its own end (0x26c)", () => {
    const real = readFileSync(fetchDebian().vmlinuz);
    const h = inspectKernelBytes(real.subarray(0, 65536), real.length).header!;
    const layout = directLayout({
      plan: directSuccessor(),
      header: h,
      kernelFileBytes: real.length,
      initrdBytes: 0,
    });
    const zp = buildZeroPage({
      head: real.subarray(0, 65536),
      layout,
      e820: directSuccessor().e820,
    });
    expect(setupHeaderEnd(real)).toBe(0x26c);
    expect(zp.subarray(0x1f1, 0x210)).toEqual(real.subarray(0x1f1, 0x210));
    expect(zp.subarray(0x230, 0x26c)).toEqual(real.subarray(0x230, 0x26c));
  });
});
