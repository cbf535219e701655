// Reads the x86 boot protocol setup header of a bzImage (Documentation/arch/x86/boot.rst)
// and says whether it can boot a Tessera successor: a relocatable bzImage, protocol >= 2.10.
import { open } from "node:fs/promises";
import type { KernelFacts } from "@tessera/core";

/** Enough bytes for the whole setup header and any version string a real kernel has. */
const HEAD_BYTES = 64 * 1024;
/** Protocol 2.10 is the first with pref_address and init_size, which the planner needs. */
export const MIN_PROTOCOL = 0x020a;

export const XLF = {
  KERNEL_64: 1 << 0,
  CAN_BE_LOADED_ABOVE_4G: 1 << 1,
  EFI_HANDOVER_32: 1 << 2,
  EFI_HANDOVER_64: 1 << 3,
  EFI_KEXEC: 1 << 4,
  FIVE_LEVEL: 1 << 5,
  FIVE_LEVEL_ENABLED: 1 << 6,
} as const;

export interface BzImageHeader {
  setupSects: number;
  /** Protocol-mode code size (syssize * 16). */
  payloadBytes: number;
  /** major*256+minor, e.g. 0x020f. */
  protocol: number;
  protocolText: string;
  version: string | null;
  loadedHigh: boolean;
  relocatable: boolean;
  kernelAlignment: bigint;
  /** log2 of the minimum alignment, 0 before 2.10. */
  minAlignment: number;
  xloadflags: number;
  cmdlineSize: number;
  /** The highest address the initrd may occupy (initrd_addr_max, 0x22c). */
  initrdAddrMax: bigint;
  prefAddress: bigint;
  initSize: bigint;
  fileSize: number;
}

export type KernelProblemCode =
  | "KERNEL-ELF"
  | "KERNEL-INITRD"
  | "KERNEL-NOT-BZIMAGE"
  | "KERNEL-TRUNCATED"
  | "KERNEL-OLD-PROTOCOL"
  | "KERNEL-NOT-RELOCATABLE"
  | "KERNEL-NOT-64BIT";

export interface KernelProblem {
  code: KernelProblemCode;
  message: string;
}

export interface KernelInspection {
  /** The header, when the file is a bzImage at all. */
  header: BzImageHeader | null;
  /** A successor can boot it: a relocatable bzImage of protocol 2.10 or later. */
  usable: boolean;
  problems: KernelProblem[];
}

/** Inspects the first bytes of a file (at least the setup header) and its full size. */
export function inspectKernelBytes(
  head: Uint8Array,
  fileSize: number = head.length,
): KernelInspection {
  const buf = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const notKernel = detectOtherFormat(buf);
  if (notKernel) return { header: null, usable: false, problems: [notKernel] };
  if (buf.length < 0x206 || buf.toString("latin1", 0x202, 0x206) !== "HdrS") {
    const truncated = buf.length < 0x206;
    return {
      header: null,
      usable: false,
      problems: [
        truncated
          ? {
              code: "KERNEL-TRUNCATED",
              message: `the file has only ${fileSize} bytes, too short for a boot header (a bzImage has the magic "HdrS" at 0x202)`,
            }
          : {
              code: "KERNEL-NOT-BZIMAGE",
              message:
                'no "HdrS" magic at offset 0x202: not an x86 bzImage (nor an ELF vmlinux or an initrd Tessera recognizes)',
            },
      ],
    };
  }
  const protocol = buf.readUInt16LE(0x206);
  const need = protocol >= 0x020a ? 0x264 : protocol >= 0x0206 ? 0x23c : 0x236;
  if (buf.length < need) {
    return {
      header: null,
      usable: false,
      problems: [
        {
          code: "KERNEL-TRUNCATED",
          message: `the file ends at ${fileSize} bytes, inside the boot header (protocol ${protocolText(protocol)} needs ${need} bytes)`,
        },
      ],
    };
  }
  const setupSects = buf.readUInt8(0x1f1) || 4;
  const payloadBytes = buf.readUInt32LE(0x1f4) * 16;
  const at = <T>(min: number, read: () => T, otherwise: T): T =>
    protocol >= min ? read() : otherwise;
  const header: BzImageHeader = {
    setupSects,
    payloadBytes,
    protocol,
    protocolText: protocolText(protocol),
    version: readVersion(buf),
    loadedHigh: (buf.readUInt8(0x211) & 1) === 1,
    relocatable: at(0x0205, () => buf.readUInt8(0x234) !== 0, false),
    kernelAlignment: at(0x0205, () => BigInt(buf.readUInt32LE(0x230)), 0n),
    minAlignment: at(0x020a, () => buf.readUInt8(0x235), 0),
    xloadflags: at(0x020c, () => buf.readUInt16LE(0x236), 0),
    cmdlineSize: at(0x0206, () => buf.readUInt32LE(0x238), 255),
    // Before 2.03 the field did not exist and the protocol fixes the limit at 0x37ffffff.
    initrdAddrMax: at(0x0203, () => BigInt(buf.readUInt32LE(0x22c)), 0x37ffffffn),
    prefAddress: at(0x020a, () => buf.readBigUInt64LE(0x258), 0n),
    initSize: at(0x020a, () => BigInt(buf.readUInt32LE(0x260)), 0n),
    fileSize,
  };
  const problems: KernelProblem[] = [];
  const expected = (setupSects + 1) * 512 + payloadBytes;
  if (fileSize < expected) {
    problems.push({
      code: "KERNEL-TRUNCATED",
      message: `the file has ${fileSize} bytes but its header promises ${expected} (setup ${(setupSects + 1) * 512} + payload ${payloadBytes}): it is truncated`,
    });
  }
  if (protocol < MIN_PROTOCOL) {
    problems.push({
      code: "KERNEL-OLD-PROTOCOL",
      message: `boot protocol ${header.protocolText} is older than 2.10: it has no init_size or pref_address, so Tessera cannot size the successor's range (use a kernel from 2.6.31 or later)`,
    });
  }
  if (!header.relocatable) {
    problems.push({
      code: "KERNEL-NOT-RELOCATABLE",
      message:
        "relocatable_kernel is 0: the kernel can run only at its compiled-in address, not inside a successor's range (build with CONFIG_RELOCATABLE=y)",
    });
  }
  if (protocol >= 0x020c && (header.xloadflags & XLF.KERNEL_64) === 0) {
    problems.push({
      code: "KERNEL-NOT-64BIT",
      message:
        "xloadflags lacks XLF_KERNEL_64: a 32-bit kernel cannot be a successor on this x86-64 machine",
    });
  }
  return { header, usable: problems.length === 0, problems };
}

function protocolText(p: number): string {
  return `${p >> 8}.${String(p & 0xff).padStart(2, "0")}`;
}

function readVersion(buf: Buffer): string | null {
  const ptr = buf.readUInt16LE(0x20e);
  if (ptr === 0) return null;
  const start = 0x200 + ptr;
  if (start >= buf.length) return null;
  let end = start;
  while (end < buf.length && end - start < 256 && buf[end] !== 0) end++;
  const text = buf.toString("latin1", start, end).trim();
  return /^[\x20-\x7e]+$/.test(text) ? text : null;
}

function detectOtherFormat(buf: Buffer): KernelProblem | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => buf[i] === b);
  if (starts(0x7f, 0x45, 0x4c, 0x46)) {
    return {
      code: "KERNEL-ELF",
      message:
        "this is an ELF file (an uncompressed vmlinux?): a successor needs the bzImage (arch/x86/boot/bzImage, /boot/vmlinuz-*)",
    };
  }
  const initrd =
    buf.toString("latin1", 0, 6) === "070701" || buf.toString("latin1", 0, 6) === "070702"
      ? "a cpio archive"
      : starts(0x1f, 0x8b)
        ? "gzip data"
        : starts(0x28, 0xb5, 0x2f, 0xfd)
          ? "zstd data"
          : starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)
            ? "xz data"
            : starts(0x02, 0x21, 0x4c, 0x18)
              ? "lz4 data"
              : starts(0x42, 0x5a, 0x68)
                ? "bzip2 data"
                : null;
  if (initrd) {
    return {
      code: "KERNEL-INITRD",
      message: `this is ${initrd}, which is what an initrd looks like, not a kernel: give the bzImage as the kernel and this file as the initrd`,
    };
  }
  return null;
}

export type ReadKernelResult =
  { ok: true; inspection: KernelInspection } | { ok: false; reason: string };

/** Reads a kernel file's head and size. `ok: false` only when the file cannot be read. */
export async function inspectKernelFile(path: string): Promise<ReadKernelResult> {
  let fh;
  try {
    fh = await open(path, "r");
  } catch (err) {
    return { ok: false, reason: describeFsError(path, err) };
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { ok: false, reason: `${path} is not a regular file` };
    const head = Buffer.alloc(Math.min(HEAD_BYTES, st.size));
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    return { ok: true, inspection: inspectKernelBytes(head.subarray(0, bytesRead), st.size) };
  } catch (err) {
    return { ok: false, reason: describeFsError(path, err) };
  } finally {
    await fh.close();
  }
}

function describeFsError(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT") return `${path}: no such file`;
  if (code === "EACCES" || code === "EPERM") return `${path}: permission denied`;
  if (code === "EISDIR") return `${path} is a directory, not a kernel image`;
  return `${path}: cannot read (${code ?? (err instanceof Error ? err.message : String(err))})`;
}

/** The facts the validator needs (MEM-TOO-SMALL, MEM-ALIGN, CMDLINE-TOO-LONG). */
export function kernelFacts(header: BzImageHeader): KernelFacts {
  return {
    initSize: header.initSize,
    kernelAlignment: header.kernelAlignment,
    cmdlineSize: header.cmdlineSize,
    relocatable: header.relocatable,
    protocol: header.protocol,
  };
}

/** Reads a file and returns its KernelFacts, or null with the reason when it has no header. */
export async function readKernelFacts(
  path: string,
): Promise<
  { ok: true; facts: KernelFacts; inspection: KernelInspection } | { ok: false; reason: string }
> {
  const r = await inspectKernelFile(path);
  if (!r.ok) return r;
  if (!r.inspection.header)
    return { ok: false, reason: r.inspection.problems.map((p) => p.message).join("; ") };
  return { ok: true, facts: kernelFacts(r.inspection.header), inspection: r.inspection };
}

/**
 * A stand-in kernel file: the setup header of Debian's 6.1 bzImage (DOMAIN.md section 3),
 * padded to the setup sectors it promises, with no kernel behind it. The image reader
 * accepts it, so tests and demos can name a "kernel" without shipping one; it never boots.
 */
export function standInBzImage(): Buffer {
  const b = Buffer.alloc(5 * 512);
  b.writeUInt8(4, 0x1f1);
  // The short jump over the header: its displacement says where the header ends (0x26c).
  b.writeUInt8(0xeb, 0x200);
  b.writeUInt8(0x6a, 0x201);
  b.write("HdrS", 0x202, "latin1");
  b.writeUInt16LE(0x020f, 0x206);
  b.writeUInt8(1, 0x211);
  b.writeUInt32LE(0x7fffffff, 0x22c);
  b.writeUInt32LE(0x200000, 0x230);
  b.writeUInt8(1, 0x234);
  b.writeUInt8(21, 0x235);
  b.writeUInt16LE(0x7f, 0x236);
  b.writeUInt32LE(2047, 0x238);
  b.writeBigUInt64LE(0x1000000n, 0x258);
  b.writeUInt32LE(0x3f98000, 0x260);
  return b;
}
