// pci.ids looked up in place. Parsing the whole 1.3 MB file (parsePciIds) builds ~40,000
// names to answer the few dozen a machine has: it was the largest single cost of
// `tessera discover` and of the agent's start, and its maps stayed in the agent's memory.
// indexPciIds keeps the file's bytes and finds only the lines asked for, with Buffer.indexOf
// (native byte search), decoding just those lines. Its answers are parsePciIds's answers for
// the same file, quirks included (pci-ids-index.test.ts compares every id of the real file):
// - only lines before the first line starting with "C " (the class section) count;
// - a vendor line is `hhhh<space>name`; a line that starts otherwise (not a tab, not "#",
//   not empty) ends the vendor before it, and its device lines belong to no vendor;
// - device lines are `<tab>hhhh<space>name` under their vendor; `<tab><tab>` lines are
//   subsystems and never match;
// - when a vendor or device appears twice, the later line wins (as Map.set does).
// The reverse lookups by name need every name: they parse the whole file, once, on first use.
import { readFileSync, statSync } from "node:fs";
import { DEFAULT_PCI_IDS, parsePciIds, type PciIds } from "./pci-names";

const VENDOR_LINE = /^([0-9a-f]{4})\s+(.*)$/;
const DEVICE_LINE = /^\t([0-9a-f]{4})\s+(.*)$/;
const NL = 0x0a;
const TAB = 0x09;
const HASH = 0x23;

const is16 = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffff;
const hex4 = (n: number) => n.toString(16).padStart(4, "0");

export function indexPciIds(bytes: Buffer): PciIds {
  // Searched as latin1, one character per byte (so offsets are byte offsets, and V8 scans a
  // one-byte string fast); names are decoded from the bytes as UTF-8, as the full parse does.
  const text = bytes.toString("latin1");
  // The scope: every line before the class section's first line.
  const scope = text.startsWith("C ") ? 0 : text.indexOf("\nC ") + 1 || text.length;

  /** The line that starts at `at`, without its newline. */
  const line = (at: number): string => {
    const end = text.indexOf("\n", at);
    return bytes.toString("utf8", at, end === -1 || end > scope ? scope : end);
  };

  /**
   * The lines in [from, to) that start with a tab and a non-tab (`tab`: device lines), or
   * with neither a tab, a "#" nor a newline (vendor lines, and lines that end a vendor), by
   * their first four characters after the tab. The regular expression scans in native code:
   * ~1.5 ms for the whole file, against ~30 ms (and the garbage) of building every name.
   */
  const linesByKey = (from: number, to: number, tab: boolean): Map<string, number[]> => {
    const found = new Map<string, number[]>();
    const add = (at: number) => {
      const key = tab ? text.slice(at + 1, at + 5) : text.slice(at, at + 4);
      (found.get(key) ?? found.set(key, []).get(key)!).push(at);
    };
    const first = text.charCodeAt(from);
    if (!tab && from < to && first !== TAB && first !== HASH && first !== NL) add(from);
    const re = tab ? /\n\t[^\t]/g : /\n[^\t#\n]/g;
    re.lastIndex = from;
    for (let m = re.exec(text); m && m.index + 1 < to; m = re.exec(text)) add(m.index + 1);
    return found;
  };

  // Where each vendor-position line starts (a vendor line or a line that ends the vendor
  // before it), in file order: a vendor's device lines run to the next one.
  let vendorLines: { byKey: Map<string, number[]>; starts: number[] } | null = null;
  const vendorIndex = () => {
    if (!vendorLines) {
      const byKey = linesByKey(0, scope, false);
      const starts = [...byKey.values()].flat().sort((a, b) => a - b);
      vendorLines = { byKey, starts };
    }
    return vendorLines;
  };

  /** Each valid vendor line of `id`, in file order: its name and its devices by id. */
  const blocks = new Map<number, { name: string; from: number; to: number }[]>();
  const vendorBlocks = (id: number) => {
    let got = blocks.get(id);
    if (!got) {
      got = [];
      const { byKey, starts } = vendorIndex();
      for (const at of byKey.get(hex4(id)) ?? []) {
        const m = VENDOR_LINE.exec(line(at));
        if (!m) continue;
        const next = starts[starts.indexOf(at) + 1];
        got.push({ name: m[2]!, from: at, to: next ?? scope });
      }
      blocks.set(id, got);
    }
    return got;
  };
  const devices = new Map<number, Map<string, number[]>>();
  const deviceLines = (b: { from: number; to: number }) => {
    let got = devices.get(b.from);
    if (!got) devices.set(b.from, (got = linesByKey(b.from, b.to, true)));
    return got;
  };

  let parsed: PciIds | null = null;
  const full = () => (parsed ??= parsePciIds(bytes.toString("utf8")));

  return {
    vendor(id) {
      if (!is16(id)) return full().vendor(id);
      return vendorBlocks(id).at(-1)?.name ?? null;
    },
    device(v, d) {
      if (!is16(v) || !is16(d)) return full().device(v, d);
      let name: string | null = null;
      for (const b of vendorBlocks(v)) {
        for (const at of deviceLines(b).get(hex4(d)) ?? []) {
          const m = DEVICE_LINE.exec(line(at));
          if (m) name = m[2]!;
        }
      }
      return name;
    },
    vendorsByName: () => full().vendorsByName(),
    deviceIdsByName: (v, name) => full().deviceIdsByName(v, name),
  };
}

const cache = new Map<string, { mtimeMs: number; ids: PciIds }>();

/**
 * Loads pci.ids once per path and modification time; null when it is not installed. Read
 * synchronously, as discovery reads sysfs (tree-reader.ts): one local file, where each
 * thread-pool round trip of fs/promises (stat, open, three 512 KiB reads, close) costs more
 * than the read.
 */
export async function loadPciIds(path: string = DEFAULT_PCI_IDS): Promise<PciIds | null> {
  try {
    const st = statSync(path);
    const hit = cache.get(path);
    if (hit && hit.mtimeMs === st.mtimeMs) return hit.ids;
    const ids = indexPciIds(readFileSync(path));
    cache.set(path, { mtimeMs: st.mtimeMs, ids });
    return ids;
  } catch {
    return null;
  }
}
