import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cpuidLayout, CPUID_DEVICE, layoutFromLeafB } from "./cpuid-topology";
import { parseCpuinfo } from "./text-formats";
import { TreeReader } from "./tree-reader";

function leaf(eax: number, ebx: number, ecx: number, edx = 0): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32LE(eax, 0);
  b.writeUInt32LE(ebx, 4);
  b.writeUInt32LE(ecx, 8);
  b.writeUInt32LE(edx, 12);
  return b;
}

describe("the APIC ID layout from CPUID leaf 0xB", () => {
  it("reads SMT and core shifts (2 threads x 8 cores: smt 1, package 4)", () => {
    expect(
      layoutFromLeafB(
        { eax: 1, ebx: 2, ecx: 0x100, edx: 0 },
        { eax: 4, ebx: 16, ecx: 0x201, edx: 0 },
      ),
    ).toEqual({ smtShift: 1, pkgShift: 4 });
  });

  it("refuses subleaves that are not the SMT and core levels, or an unimplemented leaf", () => {
    expect(
      layoutFromLeafB(
        { eax: 1, ebx: 2, ecx: 0x200, edx: 0 },
        { eax: 4, ebx: 16, ecx: 0x201, edx: 0 },
      ),
    ).toBeNull();
    expect(
      layoutFromLeafB(
        { eax: 0, ebx: 0, ecx: 0x100, edx: 0 },
        { eax: 0, ebx: 0, ecx: 0x201, edx: 0 },
      ),
    ).toBeNull();
  });

  it("reads a captured tree's REL@0xOFFSET files (QEMU -smp 4: one package of four cores)", async () => {
    const root = mkdtempSync(join(tmpdir(), "tessera-cpuid-"));
    mkdirSync(join(root, "dev/cpu/0"), { recursive: true });
    writeFileSync(join(root, `${CPUID_DEVICE}@0x0`), leaf(0xd, 0, 0));
    writeFileSync(join(root, `${CPUID_DEVICE}@0xb`), leaf(0, 1, 0x100));
    writeFileSync(join(root, `${CPUID_DEVICE}@0x10000000b`), leaf(2, 4, 0x201));
    expect(await cpuidLayout(new TreeReader(root))).toEqual({ smtShift: 0, pkgShift: 2 });
  });

  it("says nothing (null) when the processor's highest leaf is below 0xB", async () => {
    const root = mkdtempSync(join(tmpdir(), "tessera-cpuid-"));
    mkdirSync(join(root, "dev/cpu/0"), { recursive: true });
    writeFileSync(join(root, `${CPUID_DEVICE}@0x0`), leaf(0xa, 0, 0));
    expect(await cpuidLayout(new TreeReader(root))).toBeNull();
  });

  // The real processor: where the cpuid driver is loaded (as root), leaf 0xB's layout must
  // give every online core the package Linux reports for it.
  it.runIf(existsSync(CPUID_DEVICE))("agrees with this host's /proc/cpuinfo", async () => {
    const r = new TreeReader("/");
    const layout = await cpuidLayout(r);
    expect(layout).not.toBeNull();
    const { processors } = parseCpuinfo((await r.text("/proc/cpuinfo"))!);
    const known = processors.filter((c) => c.apicId !== null && c.physicalId !== null);
    expect(known.length).toBeGreaterThan(0);
    for (const c of known) expect(c.apicId! >>> layout!.pkgShift).toBe(c.physicalId);
  });
});
