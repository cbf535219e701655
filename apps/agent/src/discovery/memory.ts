// The firmware memory map: /sys/firmware/memmap/N/{start,end,type} (end inclusive), else
// the top-level e820 entries of /proc/iomem. Usable ranges get their NUMA node from the
// node directories' memory blocks, split where a range crosses from one node to the next.
import type { MemoryRegion } from "@tessera/core";
import { e820Type, isE820Name } from "./text-formats";
import type { TreeReader } from "./tree-reader";

const MEMMAP = "/sys/firmware/memmap";
const NODE = "/sys/devices/system/node";

export interface NodeExtent {
  start: bigint;
  end: bigint;
  node: number;
}

export interface MemoryResult {
  /** The firmware map as read: not yet cut at node boundaries (see assignNodes). */
  regions: MemoryRegion[];
  /** Memory blocks the node directories list, and the node extents they add up to. */
  blocks: { start: bigint; node: number }[];
  extents: NodeExtent[];
  source: "firmware-memmap" | "iomem" | "unknown";
  unknown: string[];
}

function byStart(a: { start: bigint }, b: { start: bigint }): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : 0;
}

function hexValue(text: string | null): bigint | null {
  if (text === null || !/^(0x)?[0-9a-f]+$/i.test(text)) return null;
  return BigInt(text.startsWith("0x") || text.startsWith("0X") ? text : "0x" + text);
}

async function readFirmwareMemmap(r: TreeReader): Promise<MemoryRegion[] | null> {
  const names = await r.list(MEMMAP);
  if (names === null) return null;
  const regions: MemoryRegion[] = [];
  await Promise.all(
    names
      .filter((n) => /^\d+$/.test(n))
      .map(async (n) => {
        const base = `${MEMMAP}/${n}`;
        const [s, e, t] = await Promise.all([
          r.line(`${base}/start`, true),
          r.line(`${base}/end`, true),
          r.line(`${base}/type`, true),
        ]);
        const start = hexValue(s);
        const end = hexValue(e);
        if (start === null || end === null || t === null) {
          if (s !== null && start === null)
            r.problem(`${base}/start`, `expected a hex address, got ${JSON.stringify(s)}`);
          if (e !== null && end === null)
            r.problem(`${base}/end`, `expected a hex address, got ${JSON.stringify(e)}`);
          return;
        }
        if (end < start) {
          r.problem(base, `end ${e} is below start ${s}`);
          return;
        }
        regions.push({ start, size: end - start + 1n, type: e820Type(t) });
      }),
  );
  return regions.length ? regions.sort(byStart) : null;
}

/** Top-level e820 entries of /proc/iomem; adjacent entries of one type are merged. */
export function parseIomem(text: string): {
  regions: MemoryRegion[];
  zeroed: boolean;
  bad: { line: number; text: string }[];
} {
  const regions: MemoryRegion[] = [];
  const bad: { line: number; text: string }[] = [];
  let topLevel = 0;
  let allZero = true;
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "" || /^\s/.test(raw)) return;
    const m = /^([0-9a-f]+)-([0-9a-f]+) : (.*)$/i.exec(raw);
    if (!m) {
      bad.push({ line: i + 1, text: raw });
      return;
    }
    topLevel++;
    const start = BigInt("0x" + m[1]);
    const end = BigInt("0x" + m[2]);
    if (start !== 0n || end !== 0n) allZero = false;
    if (!isE820Name(m[3]!) || end < start) return;
    const type = e820Type(m[3]!);
    const last = regions[regions.length - 1];
    if (last && last.type === type && last.start + last.size === start)
      last.size += end - start + 1n;
    else regions.push({ start, size: end - start + 1n, type });
  });
  return { regions, zeroed: topLevel > 0 && allZero, bad };
}

/** Node extents from nodeN/memoryM block links and the block size. */
async function readNodeBlocks(
  r: TreeReader,
): Promise<{ blocks: { start: bigint; node: number }[]; extents: NodeExtent[] }> {
  const names = await r.list(NODE);
  if (names === null) return { blocks: [], extents: [] };
  const bs = hexValue(await r.line("/sys/devices/system/memory/block_size_bytes"));
  if (bs === null) return { blocks: [], extents: [] };
  const blocks: { start: bigint; node: number }[] = [];
  for (const name of names) {
    const m = /^node(\d+)$/.exec(name);
    if (!m) continue;
    for (const entry of (await r.list(`${NODE}/${name}`)) ?? []) {
      const b = /^memory(\d+)$/.exec(entry);
      if (!b) continue;
      await r.link(`${NODE}/${name}/${entry}`);
      blocks.push({ start: BigInt(b[1]!) * bs, node: Number(m[1]) });
    }
  }
  blocks.sort(byStart);
  const extents: { start: bigint; end: bigint; node: number }[] = [];
  for (const b of blocks) {
    const last = extents[extents.length - 1];
    if (last && last.node === b.node && last.end === b.start) last.end = b.start + bs;
    else extents.push({ start: b.start, end: b.start + bs, node: b.node });
  }
  return { blocks, extents };
}

/** Gives each usable range its node; a range spanning nodes is cut at the node boundary. */
export function assignNodes(
  regions: MemoryRegion[],
  extents: { start: bigint; end: bigint; node: number }[],
): MemoryRegion[] {
  if (extents.length === 0) return regions;
  const out: MemoryRegion[] = [];
  for (const reg of regions) {
    if (reg.type !== "usable") {
      out.push(reg);
      continue;
    }
    const end = reg.start + reg.size;
    const hits = extents.filter((e) => e.start < end && reg.start < e.end);
    if (hits.length === 0) {
      out.push({ ...reg, node: null });
      continue;
    }
    // Cut where the node changes; a gap between extents stays with the piece before it.
    let pieceStart = reg.start;
    let node = hits[0]!.node;
    for (const h of hits.slice(1)) {
      if (h.node === node) continue;
      const cut = h.start > pieceStart ? h.start : pieceStart;
      if (cut > pieceStart)
        out.push({ start: pieceStart, size: cut - pieceStart, type: reg.type, node });
      pieceStart = cut;
      node = h.node;
    }
    out.push({ start: pieceStart, size: end - pieceStart, type: reg.type, node });
  }
  return out;
}

export async function readMemory(r: TreeReader): Promise<MemoryResult> {
  const unknown: string[] = [];
  let regions = await readFirmwareMemmap(r);
  let source: MemoryResult["source"] = "firmware-memmap";
  if (regions === null) {
    source = "iomem";
    const text = await r.text("/proc/iomem");
    if (text === null) {
      r.problem("/sys/firmware/memmap", "missing, and /proc/iomem too: no memory map");
      return {
        regions: [],
        blocks: [],
        extents: [],
        source: "unknown",
        unknown: ["memory map: neither /sys/firmware/memmap nor /proc/iomem"],
      };
    }
    const parsed = parseIomem(text);
    for (const b of parsed.bad)
      r.problem(
        "/proc/iomem",
        `line ${b.line}: expected "START-END : NAME", got ${JSON.stringify(b.text.slice(0, 60))}`,
      );
    if (parsed.zeroed) {
      r.problem(
        "/proc/iomem",
        "every address reads as zero: the kernel hides them from non-root readers (run as root)",
      );
      return {
        regions: [],
        blocks: [],
        extents: [],
        source: "unknown",
        unknown: ["memory map: /proc/iomem addresses hidden (not root)"],
      };
    }
    regions = parsed.regions;
  }
  const { blocks, extents } = await readNodeBlocks(r);
  return { regions, blocks, extents, source, unknown };
}
