// One record of lspci text: a device line ("BB:DD.F Class [cccc]: Vendor Device [vvvv:dddd]")
// and its indented detail lines, with how strongly each id is known (config bytes, numeric
// brackets, or a pci.ids name lookup). lspci.ts merges the records of one device.
import type { PciBar, PciPin } from "@tessera/core";
import { subclassByName, type PciIds } from "../discovery/pci-names";

export interface LspciDevice {
  id: string;
  vendor: number | null;
  device: number | null;
  class: number | null;
  subsystemVendor: number | null;
  subsystemDevice: number | null;
  vendorName: string | null;
  deviceName: string | null;
  className: string | null;
  pin: PciPin | null;
  irq: number | null;
  /** null: cannot be told (no capability list was readable). */
  msi: boolean | null;
  msiEnabled: boolean;
  msix: boolean | null;
  msixEnabled: boolean;
  /** null when lspci could not read the capabilities (run without root) or -v was not given. */
  capabilities: string[] | null;
  capsDenied: boolean;
  driver: string | null;
  iommuGroup: number | null;
  node: number | null;
  bars: PciBar[];
  /** Config space from a hex dump, when the text has one. */
  config: Uint8Array | null;
  /** Line of the device's first record. */
  line: number;
}

/** How a value was learnt, weakest first. */
export const Rank = { Name: 1, Numeric: 2, Config: 3 } as const;
export type Rank = (typeof Rank)[keyof typeof Rank];
export const RANK_NAME = ["", "names (pci.ids)", "numeric ids", "config space"];

export interface Fact<T> {
  value: T;
  rank: Rank;
  line: number;
}

export interface RecordFacts {
  line: number;
  vendor: Fact<number> | null;
  device: Fact<number> | null;
  /** Class with prog-if when known, else the 16-bit class << 8 and classBits 16. */
  class: (Fact<number> & { bits: 16 | 24 }) | null;
  vendorName: string | null;
  deviceName: string | null;
  className: string;
  verbose: boolean;
  hex: string[];
  hexLine: number;
  dev: LspciDevice;
}

const CAPS: [RegExp, string][] = [
  [/^MSI-X:/, "msix"],
  [/^MSI:/, "msi"],
  [/^Power Management/, "pm"],
  [/^Express/, "pcie"],
  [/^Vendor Specific/, "vendor"],
  [/^Subsystem:/, "subsystem-vendor"],
  [/^SATA HBA/, "sata"],
  [/^PCI Advanced Features/, "af"],
  [/^Vital Product Data/, "vpd"],
  [/^HyperTransport/, "hypertransport"],
  [/^Debug port/, "debug-port"],
  [/^Slot ID/, "slot-id"],
  [/^PCI-X/, "pci-x"],
  [/^AGP/, "agp"],
  [/^Enhanced Allocation/, "enhanced-allocation"],
];

export const HEAD =
  /^((?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) (.+?)(?: \[([0-9a-f]{4})\])?: (.*)$/i;
function size(text: string): bigint | null {
  const m = /^(\d+)([KMGT]?)$/.exec(text);
  if (!m) return null;
  const mult = { "": 1n, K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n }[
    m[2] as "" | "K"
  ]!;
  return BigInt(m[1]!) * mult;
}

const subclassCache = new Map<string, number | null>();
function subclassOf(name: string): number | null {
  if (!subclassCache.has(name)) subclassCache.set(name, subclassByName(name));
  return subclassCache.get(name)!;
}

const firstWordIndex = new WeakMap<PciIds, Map<string, [string, number[]][]>>();

/** Vendor names by their first word: a name-only line is matched against a few, not all. */
function vendorsByFirstWord(ids: PciIds): Map<string, [string, number[]][]> {
  let index = firstWordIndex.get(ids);
  if (!index) {
    index = new Map();
    for (const [name, vids] of ids.vendorsByName()) {
      const w = name.split(" ", 1)[0]!;
      (index.get(w) ?? index.set(w, []).get(w)!).push([name, vids]);
    }
    firstWordIndex.set(ids, index);
  }
  return index;
}

/** Splits "Vendor Device" printed without -nn using pci.ids; ids only when unique. */
function idsFromNames(
  rest: string,
  ids: PciIds | null,
): {
  vendor: number | null;
  device: number | null;
  vendorName: string | null;
  deviceName: string | null;
  numeric: boolean;
} {
  const bare = /^(?:Device )?([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(rest);
  if (bare)
    return {
      vendor: parseInt(bare[1]!, 16),
      device: parseInt(bare[2]!, 16),
      vendorName: null,
      deviceName: null,
      numeric: true,
    };
  const none = { vendor: null, device: null, vendorName: null, deviceName: rest, numeric: false };
  if (!ids) return none;
  let best: { name: string; ids: number[] } | null = null;
  for (const [name, vids] of vendorsByFirstWord(ids).get(rest.split(" ", 1)[0]!) ?? []) {
    if ((rest === name || rest.startsWith(name + " ")) && (!best || name.length > best.name.length))
      best = { name, ids: vids };
  }
  if (!best) return none;
  const vendor = best.ids.length === 1 ? best.ids[0]! : null;
  const devName = rest.slice(best.name.length).trim();
  const bareDev = /^Device ([0-9a-f]{4})$/i.exec(devName);
  let device: number | null = bareDev ? parseInt(bareDev[1]!, 16) : null;
  if (device === null && vendor !== null) {
    const cands = ids.deviceIdsByName(vendor, devName);
    if (cands.length === 1) device = cands[0]!;
  }
  return {
    vendor,
    device,
    vendorName: best.name,
    deviceName: bareDev ? null : devName,
    numeric: false,
  };
}

function emptyDevice(id: string, line: number): LspciDevice {
  return {
    id,
    vendor: null,
    device: null,
    class: null,
    subsystemVendor: null,
    subsystemDevice: null,
    vendorName: null,
    deviceName: null,
    className: null,
    pin: null,
    irq: null,
    msi: null,
    msiEnabled: false,
    msix: null,
    msixEnabled: false,
    capabilities: null,
    capsDenied: false,
    driver: null,
    iommuGroup: null,
    node: null,
    bars: [],
    config: null,
    line,
  };
}

/** Reads one device line ("BB:DD.F Class [cccc]: Vendor Device [vvvv:dddd] (rev xx)"). */
export function readHead(h: RegExpExecArray, line: number, ids: PciIds | null): RecordFacts {
  const id = h[1]!.length === 7 ? `0000:${h[1]!.toLowerCase()}` : h[1]!.toLowerCase();
  const rest = h[4]!
    .replace(/\s*\(prog-if [0-9a-f]{2}.*$/i, "")
    .replace(/\s*\(rev [0-9a-f]+\)/i, "")
    .trim();
  const progIf = /\(prog-if ([0-9a-f]{2})/i.exec(h[4]!);
  const nn = /\s*\[([0-9a-f]{4}):([0-9a-f]{4})\]$/i.exec(rest);
  const r = nn
    ? {
        vendor: parseInt(nn[1]!, 16),
        device: parseInt(nn[2]!, 16),
        vendorName: ids?.vendor(parseInt(nn[1]!, 16)) ?? null,
        deviceName: ids?.device(parseInt(nn[1]!, 16), parseInt(nn[2]!, 16)) ?? null,
        numeric: true,
      }
    : idsFromNames(rest, ids);
  const rank = r.numeric ? Rank.Numeric : Rank.Name;
  const sub = h[3] ? parseInt(h[3], 16) : subclassOf(h[2]!);
  const subRank = h[3] ? Rank.Numeric : Rank.Name;
  return {
    line,
    vendor: r.vendor === null ? null : { value: r.vendor, rank, line },
    device: r.device === null ? null : { value: r.device, rank, line },
    class:
      sub === null
        ? null
        : {
            value: (sub << 8) | (progIf ? parseInt(progIf[1]!, 16) : 0),
            rank: subRank,
            line,
            bits: progIf ? 24 : 16,
          },
    vendorName: r.vendorName,
    deviceName: r.deviceName,
    className: h[2]!,
    verbose: false,
    hex: [],
    hexLine: 0,
    dev: emptyDevice(id, line),
  };
}

/** Reads one indented detail line of a verbose record into its device. */
export function readDetail(
  rec: RecordFacts,
  t: string,
  line: number,
  problems: { line: number; message: string }[],
) {
  const cur = rec.dev;
  let m: RegExpExecArray | null;
  rec.verbose = true;
  // Only lines starting Control, Capabilities, Interrupt, IOMMU, Kernel, NUMA or Region count.
  if (!"CIKNR".includes(t[0] ?? "")) return;
  if (t.startsWith("Control:") && !cur.capsDenied) {
    // Verbose output of a readable config space: no Capabilities lines then means none.
    cur.capabilities ??= [];
  }
  if ((m = /^Interrupt: pin ([A-D?]) routed to IRQ (\d+)/.exec(t))) {
    cur.pin = m[1] === "?" ? null : (m[1] as PciPin);
    cur.irq = Number(m[2]);
  } else if ((m = /^Interrupt: pin ([A-D])/.exec(t))) {
    cur.pin = m[1] as PciPin;
  } else if ((m = /^Capabilities: \[([0-9a-f]{2})\] (.*)$/i.exec(t))) {
    const what = m[2]!;
    if (what.startsWith("<access denied>")) {
      cur.capsDenied = true;
      cur.capabilities = null;
      return;
    }
    cur.capabilities ??= [];
    const name = CAPS.find(([re]) => re.test(what))?.[1] ?? "other";
    if (name !== "other" && !cur.capabilities.includes(name)) cur.capabilities.push(name);
    if (name === "msi") cur.msiEnabled = /Enable\+/.test(what);
    else if (name === "msix") cur.msixEnabled = /Enable\+/.test(what);
  } else if ((m = /^Kernel driver in use: (\S+)/.exec(t))) {
    cur.driver = m[1]!;
  } else if ((m = /^IOMMU group: (\d+)/.exec(t))) {
    cur.iommuGroup = Number(m[1]);
  } else if ((m = /^NUMA node: (\d+)/.exec(t))) {
    cur.node = Number(m[1]);
  } else if (
    (m = /^Region (\d+): (Memory|I\/O ports) at ([0-9a-f]+)(.*?)\[size=(\d+[KMGT]?)\]/i.exec(t))
  ) {
    const s = size(m[5]!);
    if (s === null) {
      problems.push({
        line,
        message: `expected a size like [size=64K], got ${JSON.stringify(t.slice(0, 70))}`,
      });
      return;
    }
    const bar: PciBar = {
      index: Number(m[1]),
      start: BigInt("0x" + m[3]),
      size: s,
      kind: m[2] === "Memory" ? "mem" : "io",
    };
    if (bar.kind === "mem")
      bar.prefetchable = /\bprefetchable/.test(m[4]!) && !/non-prefetchable/.test(m[4]!);
    cur.bars.push(bar);
  }
}
