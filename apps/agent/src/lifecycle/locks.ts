// Resources of instances that may be running are locked: a profile change may not take
// them, and a start may not use them. An instance's resources are those of the profile
// version it was started from (kept with its state row).
import { overlaps, type Diagnostic, type Instance, type Profile } from "@tessera/core";
import type { InstanceState } from "../db/instances";

/** States in which an instance may hold its cores, memory and devices. */
export const LOCKED_STATES: ReadonlySet<InstanceState> = new Set([
  "loading",
  "loaded",
  "starting",
  "booting",
  "running",
  "stopping",
  "unresponsive",
  "unknown",
]);

export interface Held {
  name: string;
  instance: Instance;
}

function sameResources(a: Instance, b: Instance): boolean {
  const key = (i: Instance) =>
    JSON.stringify({
      cpus: [...i.cpus].sort((x, y) => x - y),
      memory: i.memory.map((r) => `${r.start}+${r.size}`),
      low: i.lowMemory ? `${i.lowMemory.start}+${i.lowMemory.size}` : null,
      devices: [...i.devices].sort(),
    });
  return key(a) === key(b);
}

function diag(code: string, name: string, path: string, message: string, hint: string): Diagnostic {
  return { code, severity: "error", path, instance: name, message, hint };
}

/** Conflicts between `other` (an instance wanting resources) and what `held` holds. */
export function conflictsWith(held: Held, other: Instance, path: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const cpus = other.cpus.filter((c) => held.instance.cpus.includes(c));
  if (cpus.length)
    out.push({
      ...diag(
        "CPU-SHARED",
        other.name,
        `${path}.cpus`,
        `Cores ${cpus.join(", ")} belong to ${held.name}, which may be running.`,
        `Stop ${held.name} first.`,
      ),
      subject: { cpus },
    });
  const devices = other.devices.filter((d) => held.instance.devices.includes(d));
  if (devices.length)
    out.push({
      ...diag(
        "DEV-SHARED",
        other.name,
        `${path}.devices`,
        `Devices ${devices.join(", ")} belong to ${held.name}, which may be running.`,
        `Stop ${held.name} first.`,
      ),
      subject: { devices },
    });
  const heldRanges = [
    ...held.instance.memory,
    ...(held.instance.lowMemory ? [held.instance.lowMemory] : []),
  ];
  const mine = [...other.memory, ...(other.lowMemory ? [other.lowMemory] : [])];
  const clash = mine.filter((r) => heldRanges.some((h) => overlaps(r, h)));
  if (clash.length)
    out.push({
      ...diag(
        "MEM-OVERLAP",
        other.name,
        `${path}.memory`,
        `Memory of ${other.name} overlaps memory held by ${held.name}, which may be running.`,
        `Stop ${held.name} first.`,
      ),
      subject: { ranges: clash },
    });
  return out;
}

/**
 * What a new version of the active profile would take from instances that may run: each
 * held instance must stay, with the same resources, and no other instance may take them.
 */
export function profileChangeConflicts(next: Profile, held: Held[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const h of held) {
    const idx = next.instances.findIndex((i) => i.name === h.name);
    if (idx === -1) {
      out.push(
        diag(
          "INSTANCE-LOCKED",
          h.name,
          "instances",
          `${h.name} may be running: it cannot leave the active profile.`,
          `Stop ${h.name} first.`,
        ),
      );
      continue;
    }
    if (!sameResources(next.instances[idx]!, h.instance)) {
      out.push(
        diag(
          "INSTANCE-LOCKED",
          h.name,
          `instances[${idx}]`,
          `${h.name} may be running: its cores, memory and devices cannot change.`,
          `Stop ${h.name} first.`,
        ),
      );
    }
    next.instances.forEach((inst, i) => {
      if (inst.name !== h.name) out.push(...conflictsWith(h, inst, `instances[${i}]`));
    });
  }
  return out;
}
