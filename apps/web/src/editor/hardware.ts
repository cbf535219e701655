// What a profile names that this machine does not have: cores, devices, memory. Shown as a
// banner when a profile is opened, imported or restored, so it can be fixed before a save.
import { hardwareDrift, type Machine, type Profile } from "@tessera/core";
import { useStore } from "../store";

/** Lists what a profile names that this machine does not have (core's hardwareDrift). */
export function missingHardware(machine: Machine, p: Profile): string[] {
  return hardwareDrift(machine, p).map((d) => d.message);
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
