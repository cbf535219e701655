// boot_params ("zero page") for the kernel's 32-bit boot protocol, offsets from the kernel's
// Documentation/arch/x86/boot.rst and zero-page.rst. The loader zero-fills a page, copies
// the image's own setup header (0x1f1 up to 0x202 + the byte at 0x201), then fills what a
// boot loader owns: loader type, load address, initrd, command line and the e820 table.
import { hex } from "@tessera/core";
import type { E820Entry } from "@tessera/core";
import { LoaderFailure } from "../errors";
import type { DirectLayout } from "./layout";

export const ZERO_PAGE_BYTES = 4096;

/** Offsets inside boot_params. */
export const BP = {
  extRamdiskImage: 0x0c0,
  extRamdiskSize: 0x0c4,
  extCmdLinePtr: 0x0c8,
  e820Entries: 0x1e8,
  sentinel: 0x1ef,
  setupHeader: 0x1f1,
  jump: 0x200,
  typeOfLoader: 0x210,
  loadflags: 0x211,
  code32Start: 0x214,
  ramdiskImage: 0x218,
  ramdiskSize: 0x21c,
  heapEndPtr: 0x224,
  cmdLinePtr: 0x228,
  /** edd_mbr_sig_buffer: the first field after any setup header. */
  afterHeader: 0x290,
  e820Table: 0x2d0,
} as const;

/** E820_MAX_ENTRIES_ZEROPAGE: room in boot_params for 128 entries of 20 bytes. */
export const E820_MAX = 128;

export const LOADFLAGS = {
  LOADED_HIGH: 0x01,
  KEEP_SEGMENTS: 0x40,
  CAN_USE_HEAP: 0x80,
} as const;

/** "undefined" boot loader: Tessera has no assigned ID. */
export const TYPE_OF_LOADER = 0xff;

const E820_CODES: Record<E820Entry["type"], number | null> = {
  usable: 1,
  reserved: 2,
  acpi: 3,
  nvs: 4,
  unusable: 5,
  pmem: 7,
  unknown: null,
};

/** Where the setup header ends in this image (exclusive): 0x202 + the jump's displacement. */
export function setupHeaderEnd(head: Uint8Array): number {
  if (head.length < 0x202)
    throw new LoaderFailure("LOADER-KERNEL", "the kernel file is shorter than its setup header");
  const end = 0x202 + head[0x201]!;
  if (end > BP.afterHeader || end > head.length)
    throw new LoaderFailure(
      "LOADER-KERNEL",
      `the bzImage says its setup header ends at ${hex(end)}, past ${hex(BP.afterHeader)} where boot_params continues: not a header this loader understands`,
    );
  return end;
}

export interface ZeroPageInput {
  /** The first bytes of the bzImage (at least the whole setup header). */
  head: Uint8Array;
  layout: DirectLayout;
  e820: E820Entry[];
}

export function buildZeroPage({ head, layout, e820 }: ZeroPageInput): Buffer {
  const zp = Buffer.alloc(ZERO_PAGE_BYTES);
  const end = setupHeaderEnd(head);
  zp.set(head.subarray(BP.setupHeader, end), BP.setupHeader);
  zp.writeUInt8(TYPE_OF_LOADER, BP.typeOfLoader);
  // No real-mode setup code runs, so there is no heap to announce; KEEP_SEGMENTS is obsolete
  // and asks the kernel not to reload segments, which a fresh 32-bit entry must not ask.
  const flags = zp.readUInt8(BP.loadflags) & ~(LOADFLAGS.CAN_USE_HEAP | LOADFLAGS.KEEP_SEGMENTS);
  zp.writeUInt8(flags, BP.loadflags);
  zp.writeUInt16LE(0, BP.heapEndPtr);
  zp.writeUInt32LE(lo32(layout.kernel), BP.code32Start);
  if (layout.initrd !== null) {
    const size = BigInt(layout.initrdBytes);
    zp.writeUInt32LE(lo32(layout.initrd), BP.ramdiskImage);
    zp.writeUInt32LE(lo32(size), BP.ramdiskSize);
    zp.writeUInt32LE(hi32(layout.initrd), BP.extRamdiskImage);
    zp.writeUInt32LE(hi32(size), BP.extRamdiskSize);
  }
  zp.writeUInt32LE(lo32(layout.cmdline), BP.cmdLinePtr);
  zp.writeUInt32LE(hi32(layout.cmdline), BP.extCmdLinePtr);
  if (e820.length === 0 || e820.length > E820_MAX)
    throw new LoaderFailure(
      "LOADER-LAYOUT",
      `the successor's e820 map has ${e820.length} entries: boot_params holds 1 to ${E820_MAX}`,
    );
  zp.writeUInt8(e820.length, BP.e820Entries);
  e820.forEach((e, i) => {
    const code = E820_CODES[e.type];
    if (code === null)
      throw new LoaderFailure(
        "LOADER-LAYOUT",
        `e820 entry ${hex(e.start)}+${hex(e.size)} has type "${e.type}", which has no e820 code to hand to the kernel`,
      );
    const at = BP.e820Table + i * 20;
    zp.writeBigUInt64LE(e.start, at);
    zp.writeBigUInt64LE(e.size, at + 8);
    zp.writeUInt32LE(code, at + 16);
  });
  return zp;
}

/** The command line as the kernel reads it: bytes and a terminating NUL. */
export function buildCmdline(cmdline: string, cmdlineSize: number): Buffer {
  const bytes = Buffer.from(cmdline, "utf8");
  // cmdline_size excludes the NUL; one page holds what the loader reserved for it.
  const limit = Math.min(cmdlineSize, ZERO_PAGE_BYTES - 1);
  if (bytes.length > limit)
    throw new LoaderFailure(
      "LOADER-LAYOUT",
      `the command line has ${bytes.length} bytes; this kernel accepts at most ${limit} (cmdline_size)`,
    );
  return Buffer.concat([bytes, Buffer.alloc(1)]);
}

function lo32(v: bigint): number {
  return Number(v & 0xffffffffn);
}
function hi32(v: bigint): number {
  return Number((v >> 32n) & 0xffffffffn);
}
