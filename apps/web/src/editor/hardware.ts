// What a profile names that this machine does not have: cores, devices, memory. Shown as a
// banner when a profile is opened, imported or restored, so it can be fixed before a save.
import { hardwareDrift, type Machine, type Profile } from "@tessera/core";
import { useStore } from "../store";
import { rangeLabel } from "./model/memory";

/** Lists what a profile names that this machine does not have (core's hardwareDrift). */
export function missingHardware(machine: Machine, p: Profile): string[] {
  // The console writes a range its own way (rangeLabel), the rest as core words it.
  return hardwareDrift(machine, p).map((d) =>
    d.kind === "memory"
      ? `${d.instance}: memory ${rangeLabel(d.range)} is not usable RAM here`
      : d.message,
  );
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
