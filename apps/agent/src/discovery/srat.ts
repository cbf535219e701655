// The ACPI SRAT (/sys/firmware/acpi/tables/SRAT, root only): the firmware's NUMA affinity of
// every local APIC and memory range, in proximity domains (PXM). Unlike the sysfs node
// directories it does not change with OS1's maxcpus= or mem=, so node boundaries and the
// node of an offline core stay the same whatever OS1 booted with.
import { checkAcpiTable } from "./acpi-table";

export interface SratFacts {
  /** APIC ID -> proximity domain, enabled entries only. */
  cpuPxm: Map<number, number>;
  /** Enabled memory affinity ranges (end exclusive). */
  memory: { start: bigint; end: bigint; pxm: number }[];
}

export type SratResult = { ok: true; srat: SratFacts } | { ok: false; message: string };

export function parseSrat(buf: Uint8Array): SratResult {
  const check = checkAcpiTable(buf, "SRAT", "SRAT", 48);
  if (!check.ok) return check;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const length = check.length;
  const srat: SratFacts = { cpuPxm: new Map(), memory: [] };
  for (let off = 48; off + 2 <= length;) {
    const type = buf[off]!;
    const len = buf[off + 1]!;
    if (len < 2 || off + len > length)
      return { ok: false, message: `SRAT: entry at byte ${off} has a bad length ${len}` };
    if (type === 0 && len >= 16) {
      const flags = view.getUint32(off + 4, true);
      const pxm =
        buf[off + 2]! | (buf[off + 9]! << 8) | (buf[off + 10]! << 16) | (buf[off + 11]! << 24);
      if (flags & 1) srat.cpuPxm.set(buf[off + 3]!, pxm >>> 0);
    } else if (type === 1 && len >= 40) {
      const flags = view.getUint32(off + 28, true);
      const start = view.getBigUint64(off + 8, true);
      const size = view.getBigUint64(off + 16, true);
      if (flags & 1 && size > 0n)
        srat.memory.push({ start, end: start + size, pxm: view.getUint32(off + 2, true) });
    } else if (type === 2 && len >= 24) {
      const flags = view.getUint32(off + 12, true);
      if (flags & 1) srat.cpuPxm.set(view.getUint32(off + 8, true), view.getUint32(off + 4, true));
    }
    off += len;
  }
  srat.memory.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return { ok: true, srat };
}

/**
 * Linux's node numbers are not the firmware's PXMs, so the mapping is learnt from evidence:
 * online cores (APIC ID -> node from sysfs) and memory blocks (address -> node). A PXM seen
 * with two different nodes makes the mapping unusable (null).
 */
export function pxmToNode(
  srat: SratFacts,
  cpuNodes: { apicId: number; node: number | null }[],
  blocks: { start: bigint; node: number }[],
): Map<number, number> | null {
  const map = new Map<number, number>();
  const learn = (pxm: number | undefined, node: number | null): boolean => {
    if (pxm === undefined || node === null) return true;
    const had = map.get(pxm);
    if (had !== undefined && had !== node) return false;
    map.set(pxm, node);
    return true;
  };
  for (const c of cpuNodes) if (!learn(srat.cpuPxm.get(c.apicId), c.node)) return null;
  for (const b of blocks) {
    const m = srat.memory.find((r) => r.start <= b.start && b.start < r.end);
    if (!learn(m?.pxm, b.node)) return null;
  }
  return map;
}
