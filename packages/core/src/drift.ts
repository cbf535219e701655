// What a profile names that a machine does not have: the profile was made for other
// hardware (or the hardware changed). The console warns with this list when it opens a
// profile; the validator's CPU-UNKNOWN, DEV-UNKNOWN and MEM-NOT-USABLE say the same per rule.
import type { Machine, Profile, Range } from "./model";
import { hex } from "./units";

export type HardwareDrift =
  | { instance: string; kind: "cpus"; cpus: number[]; message: string }
  | { instance: string; kind: "device"; device: string; message: string }
  | { instance: string; kind: "memory"; range: Range; message: string };

/** Every core, device and memory range of `profile` that `machine` lacks, in profile order. */
export function hardwareDrift(machine: Machine, profile: Profile): HardwareDrift[] {
  const cpus = new Set(machine.cpus.map((c) => c.apicId));
  const devices = new Set(machine.devices.map((d) => d.id));
  const out: HardwareDrift[] = [];
  for (const inst of profile.instances) {
    const instance = inst.name;
    const gone = inst.cpus.filter((c) => !cpus.has(c));
    if (gone.length)
      out.push({
        instance,
        kind: "cpus",
        cpus: gone,
        message: `${instance}: cores with LAPIC ID ${gone.join(", ")}`,
      });
    for (const device of inst.devices)
      if (!devices.has(device))
        out.push({ instance, kind: "device", device, message: `${instance}: device ${device}` });
    for (const range of inst.memory) {
      // OS1's range spans firmware holes by design: a range is gone when no usable RAM is
      // left in it, not when a hole is.
      const usable = machine.memoryMap.some(
        (m) =>
          m.type === "usable" &&
          range.start < m.start + m.size &&
          m.start < range.start + range.size,
      );
      if (!usable)
        out.push({
          instance,
          kind: "memory",
          range,
          message: `${instance}: memory ${hex(range.start)}+${hex(range.size)} is not usable RAM here`,
        });
    }
  }
  return out;
}
