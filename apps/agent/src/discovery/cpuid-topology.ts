// The APIC ID layout from the processor itself: CPUID leaf 0xB (extended topology), read
// through the cpuid driver's device (/dev/cpu/0/cpuid: the file offset is the leaf, its high
// 32 bits the subleaf). Needed when OS1 runs with few cores online (maxcpus=1 is the common
// partitioned case): then the online cores alone cannot tell which APIC ID bits are the
// package, the core and the thread, and the offline cores the MADT lists would be lost.
import type { TreeReader } from "./tree-reader";

export const CPUID_DEVICE = "/dev/cpu/0/cpuid";

/** Level types of leaf 0xB's ECX[15:8]. */
const LEVEL_SMT = 1;
const LEVEL_CORE = 2;

export interface CpuidRegs {
  eax: number;
  ebx: number;
  ecx: number;
  edx: number;
}

function regs(b: Buffer): CpuidRegs {
  return {
    eax: b.readUInt32LE(0),
    ebx: b.readUInt32LE(4),
    ecx: b.readUInt32LE(8),
    edx: b.readUInt32LE(12),
  };
}

/**
 * pkgShift/smtShift from leaf 0xB subleaves 0 (SMT) and 1 (core), the way Linux derives
 * package and core ids; null when the device is missing (cpuid module not loaded, a capture
 * without it) or the processor has no leaf 0xB.
 */
export async function cpuidLayout(
  r: TreeReader,
): Promise<{ pkgShift: number; smtShift: number } | null> {
  const leaf0 = await r.readAt(CPUID_DEVICE, 0, 16);
  if (leaf0 === null || regs(leaf0).eax < 0xb) return null;
  const [sub0, sub1] = await Promise.all([
    r.readAt(CPUID_DEVICE, 0xb, 16),
    r.readAt(CPUID_DEVICE, 0x1_0000_000b, 16),
  ]);
  if (sub0 === null || sub1 === null) return null;
  return layoutFromLeafB(regs(sub0), regs(sub1));
}

/** The shifts from leaf 0xB's two subleaves; null when they are not the SMT and core levels. */
export function layoutFromLeafB(
  sub0: CpuidRegs,
  sub1: CpuidRegs,
): { pkgShift: number; smtShift: number } | null {
  const type0 = (sub0.ecx >>> 8) & 0xff;
  const type1 = (sub1.ecx >>> 8) & 0xff;
  // EBX[15:0] = 0 means the leaf is not implemented (or the level is invalid).
  if (type0 !== LEVEL_SMT || type1 !== LEVEL_CORE || (sub0.ebx & 0xffff) === 0) return null;
  const smtShift = sub0.eax & 0x1f;
  const pkgShift = sub1.eax & 0x1f;
  return pkgShift >= smtShift ? { pkgShift, smtShift } : null;
}
