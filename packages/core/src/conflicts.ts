// Resources of instances that may be running are held: a new version of the active profile
// may not take them (nor change or drop the instance holding them), and a start may not use
// them. An instance holds the resources of the profile version it was started from, which
// the agent keeps with its state row and passes in as `Held`.
import type { Diagnostic, Instance, Profile, SuccessorPlan, BootPlan } from "./model";
import type { DiagnosticCode } from "./codes";
import { overlaps } from "./units";

/** An instance that may be running, with the resources it was started with. */
export interface Held {
  name: string;
  instance: Instance;
}

function diag(
  code: DiagnosticCode,
  name: string | null,
  path: string,
  message: string,
  hint: string,
): Diagnostic {
  return { code, severity: "error", path, instance: name, message, hint };
}

function resourceKey(i: Instance): string {
  return JSON.stringify({
    cpus: [...i.cpus].sort((x, y) => x - y),
    memory: i.memory.map((r) => `${r.start}+${r.size}`),
    low: i.lowMemory ? `${i.lowMemory.start}+${i.lowMemory.size}` : null,
    devices: [...i.devices].sort(),
  });
}

/** What `other` (at `path`) would take from `held`: shared cores, devices, memory. */
function takes(held: Held, other: Instance, path: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const why = `belong to ${held.name}, which may be running`;
  const hint = `Stop ${held.name} first.`;
  const cpus = other.cpus.filter((c) => held.instance.cpus.includes(c));
  if (cpus.length)
    out.push({
      ...diag("CPU-SHARED", other.name, `${path}.cpus`, `Cores ${cpus.join(", ")} ${why}.`, hint),
      subject: { cpus },
    });
  const devices = other.devices.filter((d) => held.instance.devices.includes(d));
  if (devices.length)
    out.push({
      ...diag(
        "DEV-SHARED",
        other.name,
        `${path}.devices`,
        `Devices ${devices.join(", ")} ${why}.`,
        hint,
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
        hint,
      ),
      subject: { ranges: clash },
    });
  return out;
}

/**
 * What `profile`, as the next version of the active profile, would take from the instances
 * that may be running: each held instance must stay in it with the same resources
 * (INSTANCE-LOCKED), and no other instance may use them (CPU-SHARED, DEV-SHARED, MEM-OVERLAP).
 */
export function conflictsWith(held: Held[], profile: Profile): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const h of held) {
    const idx = profile.instances.findIndex((i) => i.name === h.name);
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
    if (resourceKey(profile.instances[idx]!) !== resourceKey(h.instance)) {
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
    profile.instances.forEach((inst, i) => {
      if (inst.name !== h.name) out.push(...takes(h, inst, `instances[${i}]`));
    });
  }
  return out;
}

/** What starting `name` of `profile` would take from the other instances that may be running. */
export function startConflicts(held: Held[], profile: Profile, name: string): Diagnostic[] {
  const idx = profile.instances.findIndex((i) => i.name === name);
  if (idx === -1) return [];
  const target = profile.instances[idx]!;
  return held.filter((h) => h.name !== name).flatMap((h) => takes(h, target, `instances[${idx}]`));
}

/**
 * The successor `name` of a plan, or PLAN-MISSING when the plan has none of that name (OS1,
 * or an instance the profile does not list): such an instance cannot be started.
 */
export function successorOf(
  plan: BootPlan,
  name: string,
): { ok: true; plan: SuccessorPlan } | { ok: false; diagnostics: Diagnostic[] } {
  const s = plan.successors.find((x) => x.name === name);
  if (s) return { ok: true, plan: s };
  return {
    ok: false,
    diagnostics: [
      diag(
        "PLAN-MISSING",
        name,
        "instances",
        `The plan has no successor named ${name}.`,
        name === plan.os1.name
          ? `${name} is OS1: it boots from the bootloader, not from the loader.`
          : `Add ${name} to the active profile, or start one of its successors.`,
      ),
    ],
  };
}
