// The kernel options each instance boots with. The validator measures them
// (CMDLINE-TOO-LONG) and the planner prints them: one builder serves both.
import type { Machine, PlanOptions, Profile, Range } from "./model";
import { DEFAULT_OWNERSHIP_OPTION, joinCmdline } from "./cmdline";
import { indexMachine } from "./machine-index";
import { hex, kernelSize } from "./units";

export interface Ownership {
  /** Instance index owning each device id (first owner wins; sharing is an error elsewhere). */
  owner: Map<string, number>;
  /** "vvvv:dddd" -> instance indexes owning a device of that vendor:device pair. */
  pciOwners: Map<string, Set<number>>;
}

export function ownershipOf(m: Machine, p: Profile): Ownership {
  const idx = indexMachine(m);
  const owner = new Map<string, number>();
  const pciOwners = new Map<string, Set<number>>();
  for (let i = 0; i < p.instances.length; i++) {
    for (const id of p.instances[i]!.devices) {
      if (!owner.has(id)) owner.set(id, i);
      const key = idx.pciPair.get(id);
      if (key !== undefined) {
        let set = pciOwners.get(key);
        if (!set) pciOwners.set(key, (set = new Set()));
        set.add(i);
      }
    }
  }
  return { owner, pciOwners };
}

/** Ownership option plus the stock options that say the same where Linux can. */
export function deviceOptions(m: Machine, p: Profile, own: Ownership, i: number, opts: PlanOptions): string[] {
  const idx = indexMachine(m);
  const name = opts.ownershipOption ?? DEFAULT_OWNERSHIP_OPTION;
  const mine = p.instances[i]!.devices.filter((id) => idx.deviceById.has(id));
  const out = [`${name}=${mine.join(",")}`];
  const kbd = own.owner.get("ps2-keyboard");
  const aux = own.owner.get("ps2-mouse");
  if (kbd !== undefined && kbd !== i) out.push("i8042.nokbd");
  if (aux !== undefined && aux !== i) out.push("i8042.noaux");
  const stub: string[] = [];
  for (const [pair, owners] of own.pciOwners) {
    // A pair this instance also owns cannot be stubbed without stubbing its own device:
    // DEV-STOCK-AMBIGUOUS says so; the ownership option still tells them apart.
    if (!owners.has(i)) stub.push(pair);
  }
  if (stub.length) out.push(`pci-stub.ids=${stub.sort().join(",")}`);
  return out;
}

export function os1Options(m: Machine, p: Profile, own: Ownership, slices: (Range | null)[], opts: PlanOptions): string[] {
  const inst = p.instances[0]!;
  const end = inst.memory[0] ? inst.memory[0].start + inst.memory[0].size : 0n;
  const out = [`maxcpus=${inst.cpus.length}`, `mem=${kernelSize(end)}`];
  for (const r of os1Reservations(p, slices)) out.push(`memmap=${kernelSize(r.size)}$${hex(r.start)}`);
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
  for (const r of successorMemory(p, i, slice)) out.push(`memmap=${kernelSize(r.size)}@${hex(r.start)}`);
  out.push(...deviceOptions(m, p, own, i, opts));
  return out;
}

export function withUserCmdline(options: string[], user: string | undefined): string {
  return joinCmdline([...options, user]);
}
