// lspci text to PCI device facts. One file may hold several outputs one after another
// (`lspci -D`, `lspci -Dtvvv`, `lspci -Dkvvvnnxxx`, ...), each with or without the command line
// that made it. Every device record is read, then records are merged by BDF: a device is
// listed once. What each record knows has a strength: config-space bytes (`-xxx`) beat
// numeric ids in brackets (`-nn`), which beat ids looked up by name in pci.ids. Two records
// that disagree are reported, and the stronger one is kept.
//
// Hex dumps are read as config space with discovery's own functions (readHeader,
// capabilityIds, msiSupport), so MSI and MSI-X come out exactly as from sysfs `config`.
import { capabilityIds, capabilityName, msiSupport, readHeader } from "../discovery/pci-config";
import type { PciIds } from "../discovery/pci-names";
import { parseHexDump } from "../discovery/hex-dump";
import {
  HEAD,
  Rank,
  RANK_NAME,
  readDetail,
  readHead,
  type Fact,
  type LspciDevice,
  type RecordFacts,
} from "./lspci-record";

export type { LspciDevice } from "./lspci-record";

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

const HEX = /^[0-9a-f]{2,3}: (?:[0-9a-f]{2} ){15}[0-9a-f]{2}\s*$/i;
/** "$ lspci -vvv", "# lspci", "sudo lspci -Dkvvvnnxxx": the command that made what follows. */
const COMMAND = /^\s*(?:\S*[$#]\s*)?(?:sudo\s+)?lspci(?:\s.*)?$/;

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
    // Lines indented twice are the insides of a capability (DevCap:, LnkSta: ...): nothing
    // here reads them, and they are most of a -vvv output.
    if (raw.startsWith("\t\t") || raw.startsWith("                ")) continue;
    const indented = raw.startsWith(" ") || raw.startsWith("\t");
    if (indented && cur) {
      section!.verbose = true;
      readDetail(cur, raw.trim(), i + 1, problems);
      continue;
    }
    if (!indented && raw.includes("lspci") && COMMAND.test(raw)) {
      done(cur);
      cur = null;
      open(i + 1, raw.replace(/^.*?(lspci)/, "$1").trim());
      continue;
    }
    if (raw.trim() === "") continue;
    if ((raw.charCodeAt(2) === 58 || raw.charCodeAt(3) === 58) /* ":" */ && HEX.test(raw)) {
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
