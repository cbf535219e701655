// Pure edits of a profile. Each returns a new profile (never mutates), so the draft history
// can keep old versions by reference. Assigning a resource to one instance takes it away
// from every other instance: a drop means "this slot owns it now".
import type { Instance, Profile, Range } from "@tessera/core";

function withInstances(p: Profile, instances: Instance[]): Profile {
  return { ...p, instances };
}

function mapInstance(p: Profile, index: number, fn: (i: Instance) => Instance): Profile {
  return withInstances(
    p,
    p.instances.map((inst, i) => (i === index ? fn(inst) : inst)),
  );
}

export function nextInstanceName(p: Profile): string {
  const names = new Set(p.instances.map((i) => i.name));
  for (let n = p.instances.length + 1; ; n++) if (!names.has(`os${n}`)) return `os${n}`;
}

export function addInstance(p: Profile, name = nextInstanceName(p)): Profile {
  return withInstances(p, [...p.instances, { name, cpus: [], memory: [], devices: [] }]);
}

export function removeInstance(p: Profile, index: number): Profile {
  return withInstances(
    p,
    p.instances.filter((_, i) => i !== index),
  );
}

export function renameInstance(p: Profile, index: number, name: string): Profile {
  return mapInstance(p, index, (i) => ({ ...i, name }));
}

export function moveInstance(p: Profile, index: number, to: number): Profile {
  if (to < 0 || to >= p.instances.length || to === index) return p;
  const list = [...p.instances];
  const [item] = list.splice(index, 1);
  list.splice(to, 0, item!);
  return withInstances(p, list);
}

export type TextField = "kernel" | "initrd" | "root" | "cmdline";

export function setInstanceText(
  p: Profile,
  index: number,
  field: TextField,
  value: string,
): Profile {
  return mapInstance(p, index, (i) => {
    const next = { ...i };
    if (value === "") delete next[field];
    else next[field] = value;
    return next;
  });
}

export function assignCpus(p: Profile, index: number, apicIds: readonly number[]): Profile {
  const take = new Set(apicIds);
  return withInstances(
    p,
    p.instances.map((inst, i) => {
      if (i === index) {
        const all = new Set([...inst.cpus, ...apicIds]);
        return { ...inst, cpus: [...all].sort((a, b) => a - b) };
      }
      return inst.cpus.some((c) => take.has(c))
        ? { ...inst, cpus: inst.cpus.filter((c) => !take.has(c)) }
        : inst;
    }),
  );
}

export function unassignCpus(p: Profile, apicIds: readonly number[]): Profile {
  const drop = new Set(apicIds);
  return withInstances(
    p,
    p.instances.map((inst) =>
      inst.cpus.some((c) => drop.has(c))
        ? { ...inst, cpus: inst.cpus.filter((c) => !drop.has(c)) }
        : inst,
    ),
  );
}

export function assignDevices(p: Profile, index: number, ids: readonly string[]): Profile {
  const take = new Set(ids);
  return withInstances(
    p,
    p.instances.map((inst, i) => {
      if (i === index) return { ...inst, devices: [...new Set([...inst.devices, ...ids])] };
      return inst.devices.some((d) => take.has(d))
        ? { ...inst, devices: inst.devices.filter((d) => !take.has(d)) }
        : inst;
    }),
  );
}

export function unassignDevices(p: Profile, ids: readonly string[]): Profile {
  const drop = new Set(ids);
  return withInstances(
    p,
    p.instances.map((inst) =>
      inst.devices.some((d) => drop.has(d))
        ? { ...inst, devices: inst.devices.filter((d) => !drop.has(d)) }
        : inst,
    ),
  );
}

/** The parts of `r` that `cut` does not cover (0, 1 or 2 ranges). */
export function subtractRange(r: Range, cut: Range): Range[] {
  const rEnd = r.start + r.size;
  const cEnd = cut.start + cut.size;
  if (cEnd <= r.start || cut.start >= rEnd) return [r];
  const out: Range[] = [];
  if (cut.start > r.start) out.push({ start: r.start, size: cut.start - r.start });
  if (cEnd < rEnd) out.push({ start: cEnd, size: rEnd - cEnd });
  return out;
}

/** Sorts ranges and joins those that touch or overlap. */
export function mergeRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.start + last.size) {
      const end =
        r.start + r.size > last.start + last.size ? r.start + r.size : last.start + last.size;
      out[out.length - 1] = { start: last.start, size: end - last.start };
    } else out.push({ ...r });
  }
  return out;
}

/** Gives `range` to instance `index`, carving it out of every other instance's ranges. */
export function assignRange(p: Profile, index: number, range: Range): Profile {
  return withInstances(
    p,
    p.instances.map((inst, i) => {
      if (i === index) return { ...inst, memory: mergeRanges([...inst.memory, range]) };
      const memory = inst.memory.flatMap((r) => subtractRange(r, range));
      const low = inst.lowMemory && subtractRange(inst.lowMemory, range).length !== 1;
      const next = { ...inst, memory };
      if (low) delete next.lowMemory;
      return next;
    }),
  );
}

export function removeRange(p: Profile, index: number, rangeIndex: number): Profile {
  return mapInstance(p, index, (i) => ({
    ...i,
    memory: i.memory.filter((_, k) => k !== rangeIndex),
  }));
}

export function replaceRange(p: Profile, index: number, rangeIndex: number, range: Range): Profile {
  return mapInstance(p, index, (i) => ({
    ...i,
    memory: i.memory.map((r, k) => (k === rangeIndex ? range : r)),
  }));
}

export function setLowMemory(p: Profile, index: number, range: Range | null): Profile {
  return mapInstance(p, index, (i) => {
    const next = { ...i };
    if (range) next.lowMemory = range;
    else delete next.lowMemory;
    return next;
  });
}
