// Hardware discovery: the machine as the kernel and firmware describe it, read from the live
// host ("/") or from a captured tree (--root DIR) the same way. Every path is read through one
// TreeReader, so `files` lists exactly what a capture must pack.
import {
  MACHINE_SCHEMA,
  fingerprint,
  type DiscoveryProblem,
  type Machine,
  type MachineIdentity,
} from "@tessera/core";
import { readCpus } from "./cpus";
import { readLegacy } from "./legacy";
import { assignNodes, readMemory, type NodeExtent } from "./memory";
import { readPci } from "./pci";
import { readPlatform } from "./platform";
import { DEFAULT_PCI_IDS } from "./pci-names";
import { loadPciIds } from "./pci-ids-index";
import { parseSrat, pxmToNode } from "./srat";
import { parseInterrupts, type InterruptRow } from "./text-formats";
import { TreeReader, type TreeRecord } from "./tree-reader";

export interface DiscoverOptions {
  /** Prefix of every path read: "/" for the live host, an unpacked capture otherwise. */
  root?: string;
  /**
   * The pci.ids name database. It is a tool file, not a fact of the machine, so it is read
   * from the host (not under root); null turns names off.
   */
  pciIds?: string | null;
}

export interface DiscoverResult {
  machine: Machine;
  problems: DiscoveryProblem[];
  /** Every root-relative path read ("/proc/cpuinfo", ...), links included, sorted. */
  files: string[];
}

/** What capture needs on top of the result: the bytes and link targets as they were read. */
export interface DiscoverRecordedResult extends DiscoverResult {
  record: TreeRecord;
}

export async function discoverMachine(options: DiscoverOptions = {}): Promise<DiscoverResult> {
  const { record: _record, ...rest } = await discoverRecorded(options);
  return rest;
}

export async function discoverRecorded(
  options: DiscoverOptions = {},
): Promise<DiscoverRecordedResult> {
  const root = options.root ?? "/";
  const r = new TreeReader(root);
  const unknown: string[] = [];

  const interruptsText = await r.text("/proc/interrupts");
  let rows: InterruptRow[] | null = null;
  if (interruptsText !== null) {
    const parsed = parseInterrupts(interruptsText);
    for (const p of parsed.problems) r.problem("/proc/interrupts", `line ${p.line}: ${p.message}`);
    rows = parsed.rows;
  } else {
    unknown.push("interrupt routing: no /proc/interrupts");
  }

  const pciIdsPath = options.pciIds === undefined ? DEFAULT_PCI_IDS : options.pciIds;
  const [cpus, memory, ids, identity] = await Promise.all([
    readCpus(r),
    readMemory(r),
    pciIdsPath === null ? Promise.resolve(null) : loadPciIds(pciIdsPath),
    readIdentity(r),
  ]);
  const nodeExtents = await applySrat(r, cpus.cpus, memory, unknown);
  if (nodeExtents.length === 0 && memory.regions.length)
    unknown.push("NUMA node of each memory range: no node memory blocks and no SRAT");
  const memoryMap = assignNodes(memory.regions, nodeExtents);
  const pci = await readPci(r, rows ?? [], ids);
  const legacy = await readLegacy(r, rows, pci.devices);
  unknown.push(...cpus.unknown, ...memory.unknown, ...pci.unknown, ...legacy.unknown);
  const platform = await readPlatform(r, unknown);

  const machine: Machine = {
    schema: MACHINE_SCHEMA,
    identity,
    cpus: cpus.cpus,
    memoryMap,
    devices: [...pci.devices, ...legacy.devices],
    platform,
  };
  machine.identity!.fingerprint = fingerprint(machine);
  const problems = r.problems.sort(
    (a, b) => a.path.localeCompare(b.path) || a.message.localeCompare(b.message),
  );
  machine.discovery = {
    source: root === "/" ? "live" : "capture",
    memorySource: memory.source,
    problems,
    unknown,
  };
  return { machine, problems, files: r.paths(), record: r.record };
}

/**
 * With a readable SRAT, node boundaries come from the firmware (the same whatever OS1's mem=
 * and maxcpus= hid from sysfs) and offline cores get their node. Returns the node extents to
 * cut usable memory at.
 */
async function applySrat(
  r: TreeReader,
  cpus: Machine["cpus"],
  memory: { blocks: { start: bigint; node: number }[]; extents: NodeExtent[] },
  unknown: string[],
): Promise<NodeExtent[]> {
  const path = "/sys/firmware/acpi/tables/SRAT";
  const buf = await r.bytes(path);
  if (buf === null) return memory.extents;
  const parsed = parseSrat(buf);
  if (!parsed.ok) {
    r.problem(path, parsed.message);
    return memory.extents;
  }
  const map = pxmToNode(parsed.srat, cpus, memory.blocks);
  if (map === null) {
    r.problem(
      path,
      "its proximity domains disagree with the kernel's node directories: SRAT not used",
    );
    return memory.extents;
  }
  const filled: number[] = [];
  for (const c of cpus) {
    if (c.node !== null) continue;
    const node = map.get(parsed.srat.cpuPxm.get(c.apicId) ?? -1);
    if (node !== undefined) {
      c.node = node;
      filled.push(c.cpu);
    }
  }
  if (filled.length)
    unknown.push(
      `NUMA node of cpu ${filled.join(",")}: not in the node directories, taken from the SRAT`,
    );
  const ext = parsed.srat.memory.map((m) => ({ start: m.start, end: m.end, node: map.get(m.pxm) }));
  return ext.every((e) => e.node !== undefined) && ext.length
    ? (ext as NodeExtent[])
    : memory.extents;
}

async function readIdentity(r: TreeReader): Promise<MachineIdentity> {
  const [hostname, kernel, vendor, product] = await Promise.all([
    r.line("/proc/sys/kernel/hostname"),
    r.line("/proc/sys/kernel/osrelease"),
    r.line("/sys/class/dmi/id/sys_vendor"),
    r.line("/sys/class/dmi/id/product_name"),
  ]);
  return {
    hostname: hostname || null,
    vendor: vendor || null,
    product: product || null,
    kernel: kernel || null,
    fingerprint: null,
  };
}

export { TreeReader, parseCpuList, parseCpuMask, parseHexDump } from "./tree-reader";
export type { TreeRecord } from "./tree-reader";
export { parseCpuinfo, parseInterrupts, e820Type } from "./text-formats";
export type { CpuinfoProcessor, InterruptRow, LineProblem } from "./text-formats";
export { parseIomem, assignNodes } from "./memory";
export { readHeader, walkCapabilities, capabilityName } from "./pci-config";
export { className, parsePciIds, DEFAULT_PCI_IDS } from "./pci-names";
export { indexPciIds, loadPciIds } from "./pci-ids-index";
export type { PciIds } from "./pci-names";
export { parseResource } from "./pci";
export { parseIoports, parseProcSerial } from "./legacy";
export {
  KERNEL_LOG,
  platformFromText,
  tscKhzFromLog,
  x2apicFromCpuinfo,
  x2apicFromLog,
} from "./platform";
export type { PlatformText } from "./platform";
