// The kernel options each instance boots with. The validator measures them
// (CMDLINE-TOO-LONG) and the planner prints them: one builder serves both.
import type { Machine, PlanOptions, Profile, Range } from "./model";
import { DEFAULT_OWNERSHIP_OPTION, joinCmdline } from "./cmdline";
import { indexMachine } from "./machine-index";
import { hex, kernelSize } from "./units";

export interface Ownership {
  /**
   * Where each of the machine's devices is first listed, by device number (idx.deviceNo),
   * as instance * 65536 + position in its list, -1 when no instance lists it (first owner
   * wins; sharing is an error elsewhere). One table serves ownership and duplicates.
   */
  firstAt: Int32Array;
  /** The same for listed ids the machine does not have (DEV-UNKNOWN reports them). */
  firstUnknown: Map<string, number>;
  /** Per instance, the device number of each listed id (-1: not on the machine). */
  listed: Int32Array[];
  /** Per instance, whether every listed id is on the machine. */
  allKnown: boolean[];
  /** "vvvv:dddd" -> the instances owning a device of that vendor:device pair, and the ids. */
  pciOwners: Map<string, { owners: Set<number>; ids: string[] }>;
  /** The pairs of pciOwners, sorted (the pci-stub.ids= order), computed on first use. */
  sortedPairs?: string[];
  deviceNo: Map<string, number>;
}

/**
 * Device ownership of a profile. `last` (the incremental check) is the ownership of an
 * earlier profile whose instance i listed the same devices wherever `same(i)`: those lists'
 * device numbers are reused instead of looked up again.
 */
export function ownershipOf(
  m: Machine,
  p: Profile,
  last?: { own: Ownership; same: (i: number) => boolean },
): Ownership {
  const idx = indexMachine(m);
  const firstAt = new Int32Array(idx.deviceSlots).fill(-1);
  const firstUnknown = new Map<string, number>();
  const listed: Int32Array[] = [];
  const allKnown: boolean[] = [];
  const pciOwners: Ownership["pciOwners"] = new Map();
  // Entries by pair number, and the instance last added to each: an instance's devices come
  // one after another, so most adds to a pair's owner set are repeats skipped here.
  const entries: ({ owners: Set<number>; ids: string[]; last: number } | undefined)[] = [];
  for (let i = 0; i < p.instances.length; i++) {
    const devices = p.instances[i]!.devices;
    const kept = last && i < last.own.listed.length && last.same(i) ? last.own.listed[i]! : null;
    const nos = kept ?? new Int32Array(devices.length);
    let known = true;
    for (let k = 0; k < devices.length; k++) {
      const id = devices[k]!;
      const n = kept ? (kept[k] === -1 ? undefined : kept[k]!) : idx.deviceNo.get(id);
      if (n === undefined) {
        if (!kept) nos[k] = -1;
        known = false;
        if (!firstUnknown.has(id)) firstUnknown.set(id, i * 65536 + k);
        continue;
      }
      if (!kept) nos[k] = n;
      if (firstAt[n] === -1) firstAt[n] = i * 65536 + k;
      const pair = idx.pairNo[n]!;
      if (pair !== -1) {
        let entry = entries[pair];
        if (!entry) {
          entry = entries[pair] = { owners: new Set(), ids: [], last: -1 };
          pciOwners.set(idx.pairs[pair]!, entry);
        }
        if (entry.last !== i) entry.owners.add((entry.last = i));
        entry.ids.push(id);
      }
    }
    listed.push(nos);
    allKnown.push(known);
  }
  return { firstAt, firstUnknown, listed, allKnown, pciOwners, deviceNo: idx.deviceNo };
}

/**
 * Whether deviceOptions reads the same from `b` as from `a` for every instance that lists the
 * same devices in both: besides the instance's own list it reads only the pairs anyone owns
 * (its stub list is those it does not own) and who owns the PS/2 keyboard and mouse.
 */
export function sameDeviceOptions(a: Ownership, b: Ownership): boolean {
  if (a === b) return true;
  for (const id of ["ps2-keyboard", "ps2-mouse"])
    if (ownerOf(a, id) !== ownerOf(b, id)) return false;
  if (a.pciOwners.size !== b.pciOwners.size) return false;
  for (const pair of a.pciOwners.keys()) if (!b.pciOwners.has(pair)) return false;
  return true;
}

/** Where a device id is first listed (instance * 65536 + position), undefined when nowhere. */
export function firstListed(own: Ownership, id: string): number | undefined {
  const n = own.deviceNo.get(id);
  if (n === undefined) return own.firstUnknown.get(id);
  const at = own.firstAt[n]!;
  return at === -1 ? undefined : at;
}

/** The index of the instance that owns a device, undefined when none does. */
export function ownerOf(own: Ownership, id: string): number | undefined {
  const at = firstListed(own, id);
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
