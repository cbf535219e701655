// How the core grid is laid out: socket (package) > NUMA node > physical core > SMT
// siblings, everything in ascending LAPIC ID order (the order instances take cores in).
import type { Cpu, Machine, Profile } from "@tessera/core";

export interface CoreGroup {
  key: string;
  core: number;
  cpus: Cpu[];
}
export interface NodeGroup {
  key: string;
  node: number | null;
  cores: CoreGroup[];
}
export interface PackageGroup {
  key: string;
  package: number;
  nodes: NodeGroup[];
  cpuCount: number;
}

export function groupCpus(cpus: readonly Cpu[]): PackageGroup[] {
  const sorted = [...cpus].sort((a, b) => a.apicId - b.apicId);
  const packages = new Map<number, Map<string, Map<number, Cpu[]>>>();
  for (const c of sorted) {
    let nodes = packages.get(c.package);
    if (!nodes) packages.set(c.package, (nodes = new Map()));
    const nk = c.node === null ? "-" : String(c.node);
    let cores = nodes.get(nk);
    if (!cores) nodes.set(nk, (cores = new Map()));
    let list = cores.get(c.core);
    if (!list) cores.set(c.core, (list = []));
    list.push(c);
  }
  const out: PackageGroup[] = [];
  for (const [pkg, nodes] of packages) {
    const ng: NodeGroup[] = [];
    let count = 0;
    for (const [nk, cores] of nodes) {
      const cg: CoreGroup[] = [];
      for (const [core, list] of cores) {
        cg.push({ key: `p${pkg}n${nk}c${core}`, core, cpus: list });
        count += list.length;
      }
      ng.push({ key: `p${pkg}n${nk}`, node: nk === "-" ? null : Number(nk), cores: cg });
    }
    out.push({ key: `p${pkg}`, package: pkg, nodes: ng, cpuCount: count });
  }
  return out;
}

/** Present LAPIC IDs in ascending order: the order runs are counted in. */
export function presentOrder(machine: Machine): number[] {
  return machine.cpus.map((c) => c.apicId).sort((a, b) => a - b);
}

/** The present LAPIC IDs between two cores, both included, in ascending order. */
export function runBetween(order: readonly number[], a: number, b: number): number[] {
  const i = order.indexOf(a);
  const j = order.indexOf(b);
  if (i < 0 || j < 0) return [];
  const [lo, hi] = i <= j ? [i, j] : [j, i];
  return order.slice(lo, hi + 1);
}

/** LAPIC ID -> index of the instance that holds it (first holder wins). */
export function cpuOwners(profile: Profile): Record<number, number> {
  const owners: Record<number, number> = {};
  profile.instances.forEach((inst, i) => {
    for (const id of inst.cpus) if (owners[id] === undefined) owners[id] = i;
  });
  return owners;
}

/** Device id -> index of the instance that holds it. */
export function deviceOwners(profile: Profile): Record<string, number> {
  const owners: Record<string, number> = {};
  profile.instances.forEach((inst, i) => {
    for (const id of inst.devices) if (owners[id] === undefined) owners[id] = i;
  });
  return owners;
}

/** Formats a LAPIC ID list compactly: "0-3, 8, 16-23". */
export function formatIds(ids: readonly number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return parts.join(", ");
}
