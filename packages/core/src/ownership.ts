// Which instance owns each device, built once per validation from the device lists: device
// numbers (the machine index's) in typed tables, so every rule looks each listed id up once.
import type { Machine, Profile } from "./model";
import { indexMachine } from "./machine-index";

export interface Ownership {
  /**
   * Where each of the machine's devices is first listed, by device number (idx.deviceNo),
   * as instance * 65536 + position in its list, -1 when no instance lists it (first owner
   * wins; sharing is an error elsewhere). One table serves ownership and duplicates.
   */
  firstAt: Int32Array;
  /**
   * Per I/O APIC line (idx.intxAt) and per IOMMU group (idx.groupNo), where the first device
   * first listed on it is (instance * 65536 + position).
   */
  lineFirst: Map<number, number>;
  groupFirst: Int32Array;
  /** The same for listed ids the machine does not have (DEV-UNKNOWN reports them). */
  firstUnknown: Map<string, number>;
  /** Per instance, the device number of each listed id (-1: not on the machine). */
  listed: Int32Array[];
  /** Per instance, whether every listed id is on the machine. */
  allKnown: boolean[];
  /**
   * "vvvv:dddd" -> the instances listing a device of that vendor:device pair (none of them
   * may stub the pair), and the distinct ids, each once.
   * Entries are never changed once built: a later ownership may share them.
   */
  pciOwners: Map<string, { owners: Set<number>; ids: string[] }>;
  /** The same entries by pair number (idx.pairs), undefined for a pair nobody owns. */
  byPair: ({ owners: Set<number>; ids: string[] } | undefined)[];
  /** The pairs of pciOwners, sorted (the pci-stub.ids= order), computed on first use. */
  sortedPairs?: string[];
  deviceNo: Map<string, number>;
  /**
   * When built from an earlier ownership (the incremental check): that ownership's firstAt,
   * and the devices whose owner can differ from it (those the changed instances list now or
   * did). Not the ownership itself: each would hold the one before, a chain as long as the
   * session's drags.
   */
  since?: { firstAt: Int32Array; touched: Int32Array };
}

/**
 * Device ownership of a profile. `last` (the incremental check) is the ownership of the last
 * profile checked, with the same number of instances, instance i listing the same devices
 * wherever `same(i)`. Those lists' device numbers are reused instead of looked up again, and
 * a pair whose devices the changed instances list exactly as before keeps its entry (the
 * same object): its owners and ids are what they were.
 */
export function ownershipOf(
  m: Machine,
  p: Profile,
  last?: { own: Ownership; same: (i: number) => boolean },
): Ownership {
  const idx = indexMachine(m);
  const base = last && last.own.listed.length === p.instances.length ? last : undefined;
  const listed: Int32Array[] = [];
  const allKnown: boolean[] = [];
  const changed: number[] = [];
  for (let i = 0; i < p.instances.length; i++) {
    if (base?.same(i)) {
      listed.push(base.own.listed[i]!);
      allKnown.push(base.own.allKnown[i]!);
      continue;
    }
    if (base) changed.push(i);
    const devices = p.instances[i]!.devices;
    const nos = new Int32Array(devices.length);
    for (let k = 0; k < devices.length; k++) nos[k] = idx.deviceNo.get(devices[k]!) ?? -1;
    listed.push(nos);
    allKnown.push(!nos.includes(-1));
  }
  // Pairs whose entry is built again (all of them without a base); the others keep base's.
  const rebuild = new Uint8Array(idx.pairs.length).fill(base ? 0 : 1);
  if (base)
    for (const c of changed) markChangedPairs(idx, base.own.listed[c]!, listed[c]!, rebuild);
  const byPair: (PairEntry | undefined)[] = base ? base.own.byPair.slice() : [];
  for (let pair = 0; pair < idx.pairs.length; pair++) if (rebuild[pair]) byPair[pair] = undefined;
  const firstAt = new Int32Array(idx.deviceSlots).fill(-1);
  const firstUnknown = new Map<string, number>();
  const lineFirst = new Map<number, number>();
  const groupFirst = new Int32Array(idx.groupCount).fill(-1);
  // Pairs in the order they are first listed (the order of DEV-STOCK-AMBIGUOUS findings), and
  // the instance last added to each rebuilt entry: an instance's devices come one after
  // another, so most adds to an owner set are repeats, skipped.
  const order: number[] = [];
  const seen = new Uint8Array(idx.pairs.length);
  const lastOwner = new Int32Array(idx.pairs.length).fill(-1);
  const { intxAt, groupNo, pairNo } = idx;
  for (let i = 0; i < listed.length; i++) {
    const nos = listed[i]!;
    const devices = p.instances[i]!.devices;
    for (let k = 0; k < nos.length; k++) {
      const n = nos[k]!;
      if (n === -1) {
        if (!firstUnknown.has(devices[k]!)) firstUnknown.set(devices[k]!, i * 65536 + k);
        continue;
      }
      // a device listed again (DEV-SHARED) is still one device of its pair
      const repeat = firstAt[n] !== -1;
      if (!repeat) {
        firstAt[n] = i * 65536 + k;
        // The first of the first listings on each I/O APIC line (NaN: none) and in each
        // IOMMU group: DEV-IRQ-SHARED and DEV-IOMMU-SPLIT name it beside every later one.
        const line = intxAt[n]!;
        if (!Number.isNaN(line) && !lineFirst.has(line)) lineFirst.set(line, i * 65536 + k);
        const g = groupNo[n]!;
        if (g !== -1 && groupFirst[g] === -1) groupFirst[g] = i * 65536 + k;
      }
      const pair = pairNo[n]!;
      if (pair === -1) continue;
      if (!seen[pair]) {
        seen[pair] = 1;
        order.push(pair);
      }
      if (!rebuild[pair]) continue;
      const entry = (byPair[pair] ??= { owners: new Set(), ids: [] });
      if (lastOwner[pair] !== i) entry.owners.add((lastOwner[pair] = i));
      if (!repeat) entry.ids.push(devices[k]!);
    }
  }
  const pciOwners: Ownership["pciOwners"] = new Map();
  for (const pair of order) pciOwners.set(idx.pairs[pair]!, byPair[pair]!);
  return {
    firstAt,
    lineFirst,
    groupFirst,
    firstUnknown,
    listed,
    allKnown,
    pciOwners,
    byPair,
    deviceNo: idx.deviceNo,
    since: base && {
      firstAt: base.own.firstAt,
      touched: touchedDevices(base.own, listed, changed),
    },
  };
}

type PairEntry = { owners: Set<number>; ids: string[] };

/**
 * Marks the pairs whose devices a changed instance lists otherwise than before (others, more,
 * fewer or in another order): their owners or ids may differ from the base's entry. One walk
 * over `before`, matching each device against the next device of its pair in `after`.
 */
function markChangedPairs(
  idx: ReturnType<typeof indexMachine>,
  before: Int32Array,
  after: Int32Array,
  rebuild: Uint8Array,
): void {
  const pairs = idx.pairs.length;
  // Where each pair's next device in `after` is, and the chain from one to the next.
  const cursor = new Int32Array(pairs).fill(-1);
  const next = new Int32Array(after.length).fill(-1);
  for (let k = after.length - 1; k >= 0; k--) {
    const pair = after[k] === -1 ? -1 : idx.pairNo[after[k]!]!;
    if (pair === -1) continue;
    next[k] = cursor[pair]!;
    cursor[pair] = k;
  }
  for (let k = 0; k < before.length; k++) {
    const pair = before[k] === -1 ? -1 : idx.pairNo[before[k]!]!;
    if (pair === -1 || rebuild[pair]) continue;
    const at = cursor[pair]!;
    if (at === -1 || after[at] !== before[k]) rebuild[pair] = 1;
    else cursor[pair] = next[at]!;
  }
  // A device of the pair left over in `after`: it lists more of them than before.
  for (let pair = 0; pair < pairs; pair++) if (cursor[pair] !== -1) rebuild[pair] = 1;
}

/** The devices the changed instances list now or listed before. */
function touchedDevices(base: Ownership, listed: Int32Array[], changed: number[]): Int32Array {
  const out: number[] = [];
  for (const c of changed) {
    for (const n of base.listed[c]!) if (n !== -1) out.push(n);
    for (const n of listed[c]!) if (n !== -1) out.push(n);
  }
  return Int32Array.from(out);
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
