// The kernel options each instance boots with. The validator measures them
// (CMDLINE-TOO-LONG) and the planner prints them: one builder serves both.
import type { Machine, PlanOptions, Profile, Range } from "./model";
import { DEFAULT_OWNERSHIP_OPTION, joinCmdline } from "./cmdline";
import { indexMachine } from "./machine-index";
import { hex, kernelSize } from "./units";

export interface Ownership {
  /**
   * Where each device id is first listed, as instance * 65536 + position in its list (first
   * owner wins; sharing is an error elsewhere). One map serves ownership and duplicates.
   */
  first: Map<string, number>;
  /**
   * "vvvv:dddd" -> the instances listing a device of that vendor:device pair (none of them may
   * stub the pair), and the distinct ids, each once.
   */
  pciOwners: Map<string, { owners: Set<number>; ids: string[] }>;
}

export function ownershipOf(m: Machine, p: Profile): Ownership {
  const idx = indexMachine(m);
  const first = new Map<string, number>();
  const pciOwners: Ownership["pciOwners"] = new Map();
  for (let i = 0; i < p.instances.length; i++) {
    const devices = p.instances[i]!.devices;
    for (let k = 0; k < devices.length; k++) {
      const id = devices[k]!;
      const repeat = first.has(id);
      if (!repeat) first.set(id, i * 65536 + k);
      const key = idx.pciPair.get(id);
      if (key !== undefined) {
        let entry = pciOwners.get(key);
        if (!entry) pciOwners.set(key, (entry = { owners: new Set(), ids: [] }));
        entry.owners.add(i);
        // a device listed again (DEV-SHARED) is still one device
        if (!repeat) entry.ids.push(id);
      }
    }
  }
  return { first, pciOwners };
}

/** The index of the instance that owns a device, undefined when none does. */
export function ownerOf(own: Ownership, id: string): number | undefined {
  const at = own.first.get(id);
  return at === undefined ? undefined : at >> 16;
}

/** Ownership option plus the stock options that say the same where Linux can. */
export function deviceOptions(
  m: Machine,
  p: Profile,
  own: Ownership,
  i: number,
  opts: PlanOptions,
): string[] {
  const idx = indexMachine(m);
  const name = opts.ownershipOption ?? DEFAULT_OWNERSHIP_OPTION;
  const mine = p.instances[i]!.devices.filter((id) => idx.deviceById.has(id));
  const out = [`${name}=${mine.join(",")}`];
  const kbd = ownerOf(own, "ps2-keyboard");
  const aux = ownerOf(own, "ps2-mouse");
  if (kbd !== undefined && kbd !== i) out.push("i8042.nokbd");
  if (aux !== undefined && aux !== i) out.push("i8042.noaux");
  const stub: string[] = [];
  for (const [pair, { owners }] of own.pciOwners) {
    // A pair this instance also owns cannot be stubbed without stubbing its own device:
    // DEV-STOCK-AMBIGUOUS says so; the ownership option still tells them apart.
    if (!owners.has(i)) stub.push(pair);
  }
  if (stub.length) out.push(`pci-stub.ids=${stub.sort().join(",")}`);
  return out;
}

export function os1Options(
  m: Machine,
  p: Profile,
  own: Ownership,
  slices: (Range | null)[],
  opts: PlanOptions,
): string[] {
  const inst = p.instances[0]!;
  const end = inst.memory[0] ? inst.memory[0].start + inst.memory[0].size : 0n;
  const out = [`maxcpus=${inst.cpus.length}`, `mem=${kernelSize(end)}`];
  for (const r of os1Reservations(p, slices))
    out.push(`memmap=${kernelSize(r.size)}$${hex(r.start)}`);
  out.push(...deviceOptions(m, p, own, 0, opts));
  return out;
}

/** Every successor slice below OS1's end, carved out of OS1 with memmap=SIZE$ADDR. */
export function os1Reservations(p: Profile, slices: (Range | null)[]): Range[] {
  const main = p.instances[0]?.memory[0];
  const end = main ? main.start + main.size : 0n;
  const out: Range[] = [];
  for (let i = 1; i < p.instances.length; i++) {
    const s = slices[i];
    if (s && s.start < end) out.push(s);
  }
  return out.sort((a, b) => (a.start < b.start ? -1 : 1));
}

export function successorMemory(p: Profile, i: number, slice: Range | null): Range[] {
  const ranges = [...(slice ? [slice] : []), ...p.instances[i]!.memory];
  return ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

export function successorOptions(
  m: Machine,
  p: Profile,
  own: Ownership,
  i: number,
  slice: Range | null,
  opts: PlanOptions,
): string[] {
  const inst = p.instances[i]!;
  // nokaslr: the decompressor picks its address from the e820 map stock kexec copies from
  // OS1, before memmap= applies; with KASLR the kernel can land outside its range.
  const out = ["nokaslr", `maxcpus=${inst.cpus.length}`, "memmap=exactmap"];
  for (const r of successorMemory(p, i, slice))
    out.push(`memmap=${kernelSize(r.size)}@${hex(r.start)}`);
  out.push(...deviceOptions(m, p, own, i, opts));
  return out;
}

export function withUserCmdline(options: string[], user: string | undefined): string {
  return joinCmdline([...options, user]);
}
