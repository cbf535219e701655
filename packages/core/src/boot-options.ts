// The kernel options each instance boots with. The validator measures them
// (CMDLINE-TOO-LONG) and the planner prints them: one builder serves both.
import type { Machine, PlanOptions, Profile, Range } from "./model";
import { DEFAULT_OWNERSHIP_OPTION, joinCmdline } from "./cmdline";
import { indexMachine } from "./machine-index";
import { ownerOf, type Ownership } from "./ownership";

import { hex, kernelSize } from "./units";

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
  const listed = p.instances[i]!.devices;
  const mine = own.allKnown[i] ? listed : listed.filter((id) => idx.deviceById.has(id));
  const out = [`${name}=${mine.join(",")}`];
  const kbd = ownerOf(own, "ps2-keyboard");
  const aux = ownerOf(own, "ps2-mouse");
  if (kbd !== undefined && kbd !== i) out.push("i8042.nokbd");
  if (aux !== undefined && aux !== i) out.push("i8042.noaux");
  const stub: string[] = [];
  own.sortedPairs ??= [...own.pciOwners.keys()].sort();
  for (const pair of own.sortedPairs) {
    // A pair this instance also owns cannot be stubbed without stubbing its own device:
    // DEV-STOCK-AMBIGUOUS says so; the ownership option still tells them apart.
    if (!own.pciOwners.get(pair)!.owners.has(i)) stub.push(pair);
  }
  if (stub.length) out.push(`pci-stub.ids=${stub.join(",")}`);
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
