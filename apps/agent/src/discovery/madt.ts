// The ACPI MADT (/sys/firmware/acpi/tables/APIC, root only): the firmware's list of local
// APICs. It is the only place the LAPIC IDs of cores that are offline in OS1 (never brought up
// because of maxcpus=, or taken offline for a successor) can be read: /proc/cpuinfo and the
// topology directory show online CPUs only.
import type { Cpu } from "@tessera/core";
import { checkAcpiTable } from "./acpi-table";

export interface MadtLapic {
  apicId: number;
  enabled: boolean;
  /** ACPI 6.3 "online capable": disabled now, may be hot-added. */
  onlineCapable: boolean;
}

export type MadtResult = { ok: true; lapics: MadtLapic[] } | { ok: false; message: string };

/** Processor entries of a MADT (type 0 local APIC, type 9 local x2APIC), in table order. */
export function parseMadt(buf: Uint8Array): MadtResult {
  const check = checkAcpiTable(buf, "APIC", "MADT (APIC)", 44);
  if (!check.ok) return check;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const length = check.length;
  const lapics: MadtLapic[] = [];
  for (let off = 44; off + 2 <= length;) {
    const type = buf[off]!;
    const len = buf[off + 1]!;
    if (len < 2 || off + len > length)
      return { ok: false, message: `MADT (APIC): entry at byte ${off} has a bad length ${len}` };
    if (type === 0 && len >= 8) {
      const flags = view.getUint32(off + 4, true);
      lapics.push({
        apicId: buf[off + 3]!,
        enabled: (flags & 1) !== 0,
        onlineCapable: (flags & 2) !== 0,
      });
    } else if (type === 9 && len >= 16) {
      const flags = view.getUint32(off + 8, true);
      lapics.push({
        apicId: view.getUint32(off + 4, true),
        enabled: (flags & 1) !== 0,
        onlineCapable: (flags & 2) !== 0,
      });
    }
    off += len;
  }
  return { ok: true, lapics };
}

function uniqueShift(ok: (s: number) => boolean, max: number): number | null {
  const valid: number[] = [];
  for (let s = 0; s <= max; s++) if (ok(s)) valid.push(s);
  return valid.length === 1 ? valid[0]! : null;
}

/**
 * x86 builds package and core ids from the APIC ID: package = apic >> P, core =
 * (apic >> S) & ((1 << (P - S)) - 1). The shifts are the same for every core, so the online
 * cores pin them down. Returns null unless exactly one pair of shifts fits every online core:
 * then an offline core's package and core follow from its LAPIC ID alone.
 */
export function apicLayout(
  online: Pick<Cpu, "apicId" | "package" | "core">[],
): { pkgShift: number; smtShift: number } | null {
  if (online.length === 0) return null;
  const pkgShift = uniqueShift((s) => online.every((c) => c.package === c.apicId >>> s), 16);
  if (pkgShift === null) return null;
  const smtShift = uniqueShift(
    (t) =>
      t <= pkgShift &&
      online.every((c) => c.core === ((c.apicId >>> t) & ((1 << (pkgShift - t)) - 1))),
    pkgShift,
  );
  return smtShift === null ? null : { pkgShift, smtShift };
}
