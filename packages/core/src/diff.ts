// What changed between two versions of a profile, in the operator's terms: per instance,
// cores, ranges, low slice, devices and options. The agent's version diff and the console's
// side-by-side view both show this list.
import type { Instance, Profile, Range } from "./model";
import { hex } from "./units";

export type ProfileChange =
  | { kind: "profile-renamed"; before: string; after: string }
  | { kind: "instance-added"; instance: string; position: number }
  | { kind: "instance-removed"; instance: string; position: number }
  | { kind: "instance-moved"; instance: string; before: number; after: number }
  | { kind: "cpus"; instance: string; added: number[]; removed: number[] }
  | { kind: "memory"; instance: string; added: string[]; removed: string[] }
  | { kind: "low-memory"; instance: string; before: string | null; after: string | null }
  | { kind: "devices"; instance: string; added: string[]; removed: string[] }
  | {
      kind: "option";
      instance: string;
      field: "kernel" | "initrd" | "root" | "cmdline";
      before: string | null;
      after: string | null;
    };

const showRange = (r: Range) => `${hex(r.start)}+${hex(r.size)}`;

function setDiff<T>(a: T[], b: T[]): { added: T[]; removed: T[] } {
  const sa = new Set(a);
  const sb = new Set(b);
  return { added: b.filter((x) => !sa.has(x)), removed: a.filter((x) => !sb.has(x)) };
}

/** Instances are matched by name; a rename shows as a removal and an addition. */
export function diffProfiles(before: Profile, after: Profile): ProfileChange[] {
  const out: ProfileChange[] = [];
  if (before.name !== after.name)
    out.push({ kind: "profile-renamed", before: before.name, after: after.name });
  const beforeByName = new Map(before.instances.map((x, i) => [x.name, { x, i }] as const));
  const afterByName = new Map(after.instances.map((x, i) => [x.name, { x, i }] as const));
  before.instances.forEach((x, i) => {
    if (!afterByName.has(x.name))
      out.push({ kind: "instance-removed", instance: x.name, position: i + 1 });
  });
  after.instances.forEach((x, i) => {
    const prev = beforeByName.get(x.name);
    if (!prev) {
      out.push({ kind: "instance-added", instance: x.name, position: i + 1 });
      return;
    }
    if (prev.i !== i)
      out.push({ kind: "instance-moved", instance: x.name, before: prev.i + 1, after: i + 1 });
    out.push(...diffInstance(prev.x, x));
  });
  return out;
}

function diffInstance(a: Instance, b: Instance): ProfileChange[] {
  const out: ProfileChange[] = [];
  const cpus = setDiff(a.cpus, b.cpus);
  if (cpus.added.length || cpus.removed.length)
    out.push({ kind: "cpus", instance: b.name, ...cpus });
  const mem = setDiff(a.memory.map(showRange), b.memory.map(showRange));
  if (mem.added.length || mem.removed.length)
    out.push({ kind: "memory", instance: b.name, ...mem });
  const la = a.lowMemory ? showRange(a.lowMemory) : null;
  const lb = b.lowMemory ? showRange(b.lowMemory) : null;
  if (la !== lb) out.push({ kind: "low-memory", instance: b.name, before: la, after: lb });
  const dev = setDiff(a.devices, b.devices);
  if (dev.added.length || dev.removed.length)
    out.push({ kind: "devices", instance: b.name, ...dev });
  for (const field of ["kernel", "initrd", "root", "cmdline"] as const) {
    const x = a[field] ?? null;
    const y = b[field] ?? null;
    if (x !== y) out.push({ kind: "option", instance: b.name, field, before: x, after: y });
  }
  return out;
}
