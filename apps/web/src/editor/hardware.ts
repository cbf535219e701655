// What a profile names that this machine does not have: cores, devices, memory. Shown as a
// banner when a profile is opened, imported or restored, so it can be fixed before a save.
import type { Machine, Profile } from "@tessera/core";
import { useStore } from "../store";
import { rangeLabel } from "./model/memory";

/** Lists what a profile names that this machine does not have. */
export function missingHardware(machine: Machine, p: Profile): string[] {
  const cpus = new Set(machine.cpus.map((c) => c.apicId));
  const devs = new Set(machine.devices.map((d) => d.id));
  const out: string[] = [];
  for (const inst of p.instances) {
    const gone = inst.cpus.filter((c) => !cpus.has(c));
    if (gone.length) out.push(`${inst.name}: cores with LAPIC ID ${gone.join(", ")}`);
    for (const d of inst.devices) if (!devs.has(d)) out.push(`${inst.name}: device ${d}`);
    for (const r of inst.memory) {
      // OS1's range spans firmware holes by design; a range is gone when no usable RAM is left in it.
      const usable = machine.memoryMap.some(
        (m) => m.type === "usable" && r.start < m.start + m.size && m.start < r.start + r.size,
      );
      if (!usable) out.push(`${inst.name}: memory ${rangeLabel(r)} is not usable RAM here`);
    }
  }
  return out;
}

/** Sets the stale-hardware banner for `p`: a fingerprint mismatch or anything missing. */
export function flagForeignHardware(p: Profile): void {
  const s = useStore.getState();
  if (!s.machine) return;
  const mismatch =
    !!p.machineFingerprint && !!s.fingerprint && p.machineFingerprint !== s.fingerprint;
  const missing = missingHardware(s.machine, p);
  s.setStaleHardware(mismatch || missing.length ? missing : null);
}
