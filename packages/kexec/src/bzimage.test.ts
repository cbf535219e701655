// The bzImage reader against Debian's real kernel and corrupt copies of it.
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile, copyFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchDebian, packageRelease, SCRIPTS, type DebianFiles } from "../test/debian-kernel";
import {
  inspectKernelBytes,
  inspectKernelFile,
  kernelFacts,
  readKernelFacts,
  standInBzImage,
  XLF,
} from "./bzimage";

let deb: DebianFiles;
let image: Buffer;
let tmp: string;

beforeAll(async () => {
  deb = fetchDebian();
  image = await readFile(deb.vmlinuz);
  tmp = await mkdtemp(join(tmpdir(), "tessera-bzimage-"));
}, 300_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function patched(edit: (b: Buffer) => void): Buffer {
  const b = Buffer.from(image);
  edit(b);
  return b;
}

describe("Debian's real kernel", () => {
  it("is a usable relocatable bzImage whose version matches its package", async () => {
    const r = await inspectKernelFile(deb.vmlinuz);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const h = r.inspection.header!;
    expect(r.inspection.problems).toEqual([]);
    expect(r.inspection.usable).toBe(true);
    expect(image.toString("latin1", 0x202, 0x206)).toBe("HdrS");
    expect(h.protocol).toBe(image.readUInt16LE(0x206));
    expect(h.protocol).toBeGreaterThanOrEqual(0x020a);
    expect(h.version).toContain(packageRelease(deb.version));
    expect(h.relocatable).toBe(true);
    // Debian builds with CONFIG_PHYSICAL_ALIGN=0x200000 (DOMAIN.md section 3).
    expect(h.kernelAlignment).toBe(0x200000n);
    expect(1n << BigInt(h.minAlignment)).toBeLessThanOrEqual(h.kernelAlignment);
    expect(h.xloadflags & XLF.KERNEL_64).toBe(XLF.KERNEL_64);
    expect(h.prefAddress).toBe(image.readBigUInt64LE(0x258));
    // init_size covers the decompressed kernel: more than the compressed file itself.
    expect(h.initSize).toBeGreaterThan(BigInt(image.length));
    expect(h.initSize % 4096n).toBe(0n);
    expect(h.cmdlineSize).toBeGreaterThanOrEqual(255);
    expect(h.fileSize).toBe(image.length);
  });

  it("gives core's KernelFacts from the same header", async () => {
    const r = await readKernelFacts(deb.vmlinuz);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const h = r.inspection.header!;
    expect(r.facts).toEqual({
      initSize: h.initSize,
      kernelAlignment: h.kernelAlignment,
      cmdlineSize: h.cmdlineSize,
      relocatable: true,
      protocol: h.protocol,
    });
    expect(kernelFacts(h)).toEqual(r.facts);
  });
});

describe("corrupt copies and other files", () => {
  it("a copy cut inside the payload is KERNEL-TRUNCATED", async () => {
    const p = join(tmp, "half");
    await writeFile(p, image.subarray(0, image.length >> 1));
    const r = await inspectKernelFile(p);
    expect(r.ok && r.inspection.problems.map((x) => x.code)).toEqual(["KERNEL-TRUNCATED"]);
    expect(r.ok && r.inspection.usable).toBe(false);
  });

  it("a copy cut inside the header is KERNEL-TRUNCATED with no header", () => {
    const ins = inspectKernelBytes(image.subarray(0, 0x240));
    expect(ins.header).toBeNull();
    expect(ins.problems[0]!.code).toBe("KERNEL-TRUNCATED");
    expect(inspectKernelBytes(image.subarray(0, 0x100)).problems[0]!.code).toBe("KERNEL-TRUNCATED");
  });

  it("relocatable_kernel cleared is KERNEL-NOT-RELOCATABLE", () => {
    const ins = inspectKernelBytes(patched((b) => b.writeUInt8(0, 0x234)));
    expect(ins.problems.map((x) => x.code)).toEqual(["KERNEL-NOT-RELOCATABLE"]);
    expect(ins.problems[0]!.message).toMatch(/CONFIG_RELOCATABLE/);
  });

  it("protocol 2.09 is KERNEL-OLD-PROTOCOL and hides the 2.10 fields", () => {
    const ins = inspectKernelBytes(patched((b) => b.writeUInt16LE(0x0209, 0x206)));
    expect(ins.problems.map((x) => x.code)).toEqual(["KERNEL-OLD-PROTOCOL"]);
    expect(ins.header!.initSize).toBe(0n);
    expect(ins.header!.protocolText).toBe("2.09");
  });

  it("xloadflags without XLF_KERNEL_64 is KERNEL-NOT-64BIT", () => {
    const ins = inspectKernelBytes(
      patched((b) => b.writeUInt16LE(b.readUInt16LE(0x236) & ~XLF.KERNEL_64, 0x236)),
    );
    expect(ins.problems.map((x) => x.code)).toEqual(["KERNEL-NOT-64BIT"]);
  });

  it("a wrong magic is KERNEL-NOT-BZIMAGE", () => {
    const ins = inspectKernelBytes(patched((b) => b.write("XXXX", 0x202, "latin1")));
    expect(ins.problems.map((x) => x.code)).toEqual(["KERNEL-NOT-BZIMAGE"]);
  });

  it("random bytes are KERNEL-NOT-BZIMAGE", () => {
    const junk = randomBytes(8192);
    junk.write("junk", 0, "latin1"); // never an ELF/gzip/cpio magic by chance
    if (junk.toString("latin1", 0x202, 0x206) === "HdrS") junk.write("nope", 0x202, "latin1");
    expect(inspectKernelBytes(junk).problems.map((x) => x.code)).toEqual(["KERNEL-NOT-BZIMAGE"]);
  });

  it("an ELF file (this machine's node binary) is KERNEL-ELF", async () => {
    const r = await inspectKernelFile(process.execPath);
    expect(r.ok && r.inspection.problems.map((x) => x.code)).toEqual(["KERNEL-ELF"]);
    expect(r.ok && r.inspection.problems[0]!.message).toMatch(/bzImage/);
  });

  it("a real initramfs given as the kernel is KERNEL-INITRD", async () => {
    const dir = join(tmp, "root");
    await mkdir(dir, { recursive: true });
    await copyFile(deb.busybox, join(dir, "busybox"));
    await writeFile(join(dir, "init"), "#!/busybox sh\n");
    await chmod(join(dir, "init"), 0o755);
    const out = join(tmp, "initrd.cpio.gz");
    execFileSync(join(SCRIPTS, "make-initramfs.sh"), [dir, out]);
    const r = await inspectKernelFile(out);
    expect(r.ok && r.inspection.problems.map((x) => x.code)).toEqual(["KERNEL-INITRD"]);
    expect(r.ok && r.inspection.problems[0]!.message).toMatch(/gzip/);
  });

  it("a missing file or a directory is unreadable (ok: false)", async () => {
    const missing = await inspectKernelFile(join(tmp, "nope"));
    expect(missing).toEqual({ ok: false, reason: expect.stringMatching(/no such file/) });
    const dir = await inspectKernelFile(tmp);
    expect(dir.ok).toBe(false);
  });
});

describe("the stand-in kernel file", () => {
  it("reads with the real kernel's header facts, so tests can name a kernel without one", () => {
    const ins = inspectKernelBytes(standInBzImage());
    expect(ins.usable).toBe(true);
    expect(ins.header).toMatchObject({
      initSize: 0x3f98000n,
      cmdlineSize: 2047,
      kernelAlignment: 0x200000n,
    });
  });
});
