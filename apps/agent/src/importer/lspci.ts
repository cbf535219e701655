// lspci text to PCI device facts. One file may hold several outputs one after another
// (`lspci -D`, `lspci -Dtvvv`, `lspci -Dkvvvnnxxx`, ...), each with or without the command line
// that made it. Every device record is read, then records are merged by BDF: a device is
// listed once. What each record knows has a strength: config-space bytes (`-xxx`) beat
// numeric ids in brackets (`-nn`), which beat ids looked up by name in pci.ids. Two records
// that disagree are reported, and the stronger one is kept.
//
// Hex dumps are read as config space with discovery's own functions (readHeader,
// capabilityIds, msiSupport), so MSI and MSI-X come out exactly as from sysfs `config`.
import type { PciBar, PciPin } from "@tessera/core";
import { capabilityIds, capabilityName, msiSupport, readHeader } from "../discovery/pci-config";
import { subclassByName, type PciIds } from "../discovery/pci-names";
import { parseHexDump } from "../discovery/tree-reader";

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

/** One output in the file: where it starts and what kind it is. */
export interface LspciSection {
  line: number;
  /** The command line when the text has one, else what the records look like. */
  format: string;
  records: number;
}

export interface LspciResult {
  devices: LspciDevice[];
  sections: LspciSection[];
  problems: { line: number; message: string }[];
}

/** How a value was learnt, weakest first. */
const enum Rank {
  Name = 1,
  Numeric = 2,
  Config = 3,
}
const RANK_NAME = ["", "names (pci.ids)", "numeric ids", "config space"];

interface Fact<T> {
  value: T;
  rank: Rank;
  line: number;
}

interface RecordFacts {
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

const HEAD =
  /^((?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) (.+?)(?: \[([0-9a-f]{4})\])?: (.*)$/i;
const HEX = /^[0-9a-f]{2,3}: (?:[0-9a-f]{2} ){15}[0-9a-f]{2}\s*$/i;
/** "$ lspci -vvv", "# lspci", "sudo lspci -Dkvvvnnxxx": the command that made what follows. */
const COMMAND = /^\s*(?:\S*[$#]\s*)?(?:sudo\s+)?lspci(?:\s.*)?$/;

function size(text: string): bigint | null {
  const m = /^(\d+)([KMGT]?)$/.exec(text);
  if (!m) return null;
  const mult = { "": 1n, K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n }[
    m[2] as "" | "K"
  ]!;
  return BigInt(m[1]!) * mult;
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
  for (const [name, vids] of ids.vendorsByName()) {
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
function readHead(h: RegExpExecArray, line: number, ids: PciIds | null): RecordFacts {
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
  const sub = h[3] ? parseInt(h[3], 16) : subclassByName(h[2]!);
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
function readDetail(rec: RecordFacts, t: string, line: number, problems: LspciResult["problems"]) {
  const cur = rec.dev;
  let m: RegExpExecArray | null;
  rec.verbose = true;
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

/** What the record's hex dump says, through discovery's config-space functions. */
function readConfig(rec: RecordFacts, problems: LspciResult["problems"]): void {
  if (rec.hex.length === 0) return;
  const parsed = parseHexDump(rec.hex.join("\n"));
  if (!parsed.ok) {
    problems.push({ line: rec.hexLine, message: `config space dump: ${parsed.message}` });
    return;
  }
  const cfg = parsed.bytes;
  const header = readHeader(cfg);
  if (!header) {
    problems.push({
      line: rec.hexLine,
      message: `config space dump of ${rec.dev.id} has ${cfg.length} bytes; the header needs 64`,
    });
    return;
  }
  const dev = rec.dev;
  dev.config = cfg;
  rec.vendor = { value: header.vendor, rank: Rank.Config, line: rec.hexLine };
  rec.device = { value: header.device, rank: Rank.Config, line: rec.hexLine };
  rec.class = { value: header.class, rank: Rank.Config, line: rec.hexLine, bits: 24 };
  dev.subsystemVendor = header.subsystemVendor;
  dev.subsystemDevice = header.subsystemDevice;
  dev.pin = header.pin;
  const caps = capabilityIds(cfg);
  if (caps.problem) problems.push({ line: rec.hexLine, message: `${dev.id}: ${caps.problem}` });
  if (caps.ids) dev.capabilities = [...new Set(caps.ids.map(capabilityName))];
  const msi = msiSupport(caps.ids);
  dev.msi = msi.msi;
  dev.msix = msi.msix;
}

/** Keeps the stronger of two facts; a disagreement between two known values is reported. */
function pick<T extends number>(
  what: string,
  id: string,
  a: (Fact<T> & { bits?: 16 | 24 }) | null,
  b: (Fact<T> & { bits?: 16 | 24 }) | null,
  problems: LspciResult["problems"],
  hex: (v: T) => string,
) {
  if (!a) return b;
  if (!b) return a;
  // A class read without prog-if (plain lspci) only knows the upper 16 bits.
  const shift = (a.bits ?? 24) === 16 || (b.bits ?? 24) === 16 ? 8 : 0;
  const winner = b.rank > a.rank || (b.rank === a.rank && (b.bits ?? 24) > (a.bits ?? 24)) ? b : a;
  const loser = winner === a ? b : a;
  if (a.value >> shift !== b.value >> shift) {
    problems.push({
      line: loser.line,
      message: `${id}: ${what} ${hex(loser.value)} (from ${RANK_NAME[loser.rank]}) disagrees with ${hex(winner.value)} (from ${RANK_NAME[winner.rank]}, line ${winner.line}): ${hex(winner.value)} kept`,
    });
  }
  return winner;
}

/** Folds a later record of the same device into the first one. */
function merge(into: RecordFacts, rec: RecordFacts, problems: LspciResult["problems"]): void {
  const id = into.dev.id;
  const h4 = (v: number) => `0x${v.toString(16).padStart(4, "0")}`;
  const h6 = (v: number) => `0x${v.toString(16).padStart(6, "0")}`;
  into.vendor = pick("vendor", id, into.vendor, rec.vendor, problems, h4);
  into.device = pick("device", id, into.device, rec.device, problems, h4);
  into.class = pick("class", id, into.class, rec.class, problems, h6) as RecordFacts["class"];
  into.vendorName ??= rec.vendorName;
  into.deviceName ??= rec.deviceName;
  const a = into.dev;
  const b = rec.dev;
  // Config bytes are the truth for capabilities; else the verbose record that read them.
  if (b.config && !a.config) {
    a.config = b.config;
    a.capabilities = b.capabilities;
    a.msi = b.msi;
    a.msix = b.msix;
    a.subsystemVendor = b.subsystemVendor;
    a.subsystemDevice = b.subsystemDevice;
  } else if (!a.config && a.capabilities === null) {
    a.capabilities = b.capabilities;
  }
  a.capsDenied ||= b.capsDenied;
  a.msiEnabled ||= b.msiEnabled;
  a.msixEnabled ||= b.msixEnabled;
  a.pin ??= b.pin;
  a.irq ??= b.irq;
  a.driver ??= b.driver;
  a.iommuGroup ??= b.iommuGroup;
  a.node ??= b.node;
  if (a.bars.length === 0) a.bars = b.bars;
  into.verbose ||= rec.verbose;
}

function finish(rec: RecordFacts): LspciDevice {
  const d = rec.dev;
  d.vendor = rec.vendor?.value ?? null;
  d.device = rec.device?.value ?? null;
  // Plain lspci does not print prog-if: 0 is written there, as lspci -n would show it.
  d.class = rec.class?.value ?? null;
  d.vendorName = rec.vendorName;
  d.deviceName = rec.deviceName;
  d.className = rec.className;
  // Without config bytes, the Capabilities lines decide (null when they were not readable).
  if (!d.config && d.capabilities !== null) {
    d.msi = d.capabilities.includes("msi");
    d.msix = d.capabilities.includes("msix");
  }
  return d;
}

export function parseLspci(text: string, ids: PciIds | null): LspciResult {
  const problems: LspciResult["problems"] = [];
  const sections: LspciSection[] = [];
  const byId = new Map<string, RecordFacts>();
  const order: string[] = [];
  let cur: RecordFacts | null = null;
  let section: (LspciSection & { tree: boolean; verbose: boolean; hex: boolean }) | null = null;
  const open = (line: number, format: string | null) => {
    section = { line, format: format ?? "", records: 0, tree: false, verbose: false, hex: false };
    sections.push(section);
    return section;
  };
  const done = (rec: RecordFacts | null) => {
    if (!rec) return;
    readConfig(rec, problems);
    const had = byId.get(rec.dev.id);
    if (had) merge(had, rec, problems);
    else {
      byId.set(rec.dev.id, rec);
      order.push(rec.dev.id);
    }
  };
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.endsWith("\r") ? lines[i]!.slice(0, -1) : lines[i]!;
    if (COMMAND.test(raw)) {
      done(cur);
      cur = null;
      open(i + 1, raw.replace(/^.*?(lspci)/, "$1").trim());
      continue;
    }
    if (raw.trim() === "") continue;
    if (HEX.test(raw)) {
      if (cur) {
        if (cur.hex.length === 0) cur.hexLine = i + 1;
        cur.hex.push(raw);
        section!.hex = true;
      } else {
        problems.push({ line: i + 1, message: "a config space dump line outside any device" });
      }
      continue;
    }
    // "Root-Cell:"-style captions and the tree view of lspci -t are not devices.
    if (/^[A-Za-z-]+:\s*$/.test(raw)) continue;
    if (/^\s*[-+\\|]/.test(raw)) {
      if (!section) open(i + 1, null);
      section!.tree = true;
      continue;
    }
    if (!/^\s/.test(raw)) {
      const h = HEAD.exec(raw);
      done(cur);
      cur = null;
      if (!h) {
        problems.push({
          line: i + 1,
          message: `expected a device line "BB:DD.F Class: Vendor Device", got ${JSON.stringify(raw.slice(0, 70))}`,
        });
        continue;
      }
      if (!section) open(i + 1, null);
      cur = readHead(h, i + 1, ids);
      section!.records++;
      continue;
    }
    if (!cur) continue;
    section!.verbose = true;
    readDetail(cur, raw.trim(), i + 1, problems);
  }
  done(cur);
  for (const s of sections as (LspciSection & {
    tree: boolean;
    verbose: boolean;
    hex: boolean;
  })[]) {
    if (s.format === "")
      s.format = s.tree
        ? "tree (lspci -t)"
        : `device list${s.verbose ? " (verbose)" : ""}${s.hex ? " with config dumps" : ""}`;
    delete (s as Partial<typeof s>).tree;
    delete (s as Partial<typeof s>).verbose;
    delete (s as Partial<typeof s>).hex;
  }
  return { devices: order.map((id) => finish(byId.get(id)!)), sections, problems };
}
