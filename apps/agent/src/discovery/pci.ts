// PCI devices from /sys/bus/pci/devices/*: identity, driver, interrupts, IOMMU group, NUMA
// node, BARs and the capability list of their config space.
import type { PciBar, PciDevice } from "@tessera/core";
import { capabilityIds, capabilityName, msiSupport, readHeader } from "./pci-config";
import { className, type PciIds } from "./pci-names";
import type { InterruptRow } from "./text-formats";
import type { TreeReader } from "./tree-reader";

const BUS = "/sys/bus/pci/devices";
const IORESOURCE_IO = 0x100n;
const IORESOURCE_MEM = 0x200n;
const IORESOURCE_PREFETCH = 0x2000n;

export interface PciResult {
  devices: PciDevice[];
  unknown: string[];
}

async function hexAttr(r: TreeReader, rel: string): Promise<number | null> {
  const t = await r.line(rel);
  if (t === null) return null;
  if (!/^0x[0-9a-f]+$/i.test(t)) {
    r.problem(rel, `expected a hex number like 0x8086, got ${JSON.stringify(t.slice(0, 40))}`);
    return null;
  }
  return parseInt(t, 16);
}

async function intAttr(r: TreeReader, rel: string): Promise<number | null> {
  const t = await r.line(rel);
  if (t === null) return null;
  if (!/^-?\d+$/.test(t)) {
    r.problem(rel, `expected a number, got ${JSON.stringify(t.slice(0, 40))}`);
    return null;
  }
  return Number(t);
}

/** BARs 0-5 from sysfs `resource` ("start end flags" per line; unused lines are zero). */
export function parseResource(text: string): { bars: PciBar[]; badLine: number | null } {
  const bars: PciBar[] = [];
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  for (let i = 0; i < Math.min(6, lines.length); i++) {
    const m = /^(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)$/i.exec(lines[i]!.trim());
    if (!m) return { bars, badLine: i + 1 };
    const start = BigInt(m[1]!);
    const end = BigInt(m[2]!);
    const flags = BigInt(m[3]!);
    if (flags === 0n || end < start || (start === 0n && end === 0n)) continue;
    const kind = flags & IORESOURCE_IO ? "io" : flags & IORESOURCE_MEM ? "mem" : null;
    if (!kind) continue;
    const bar: PciBar = { index: i, start, size: end - start + 1n, kind };
    if (kind === "mem") bar.prefetchable = (flags & IORESOURCE_PREFETCH) !== 0n;
    bars.push(bar);
  }
  return { bars, badLine: null };
}

async function readDevice(
  r: TreeReader,
  bdf: string,
  rowsByIrq: Map<number, InterruptRow>,
  rowsByBdf: Map<string, InterruptRow[]>,
  ids: PciIds | null,
  notes: { truncated: string[]; lineUnknown: string[] },
): Promise<PciDevice | null> {
  const dir = await r.resolve(`${BUS}/${bdf}`);
  const [
    vendorF,
    deviceF,
    classF,
    subVF,
    subDF,
    irqF,
    numa,
    cfg,
    driverLink,
    groupLink,
    resource,
    bootVga,
    msiNames,
  ] = await Promise.all([
    hexAttr(r, `${dir}/vendor`),
    hexAttr(r, `${dir}/device`),
    hexAttr(r, `${dir}/class`),
    hexAttr(r, `${dir}/subsystem_vendor`),
    hexAttr(r, `${dir}/subsystem_device`),
    intAttr(r, `${dir}/irq`),
    intAttr(r, `${dir}/numa_node`),
    // The standard capability list lives in the first 256 bytes. Reading the 4 KiB extended
    // space costs a trap per dword under a hypervisor, and nothing here needs it.
    r.bytes(`${dir}/config`, 256),
    r.link(`${dir}/driver`),
    r.link(`${dir}/iommu_group`),
    r.text(`${dir}/resource`),
    r.line(`${dir}/boot_vga`),
    r.list(`${dir}/msi_irqs`),
  ]);
  const header = cfg ? readHeader(cfg) : null;
  if (cfg && !header)
    r.problem(`${dir}/config`, `only ${cfg.length} bytes: the standard header needs 64`);
  const vendor = vendorF ?? header?.vendor ?? null;
  const device = deviceF ?? header?.device ?? null;
  const cls = classF ?? header?.class ?? null;
  if (vendor === null || device === null || cls === null) {
    r.problem(
      dir,
      "no vendor, device or class (neither the sysfs files nor config space): device left out",
    );
    return null;
  }

  // Capabilities: the walk is the truth; msi_irqs/ and /proc/interrupts fill in when it is cut.
  let caps: number[] | null = null;
  if (cfg && header) {
    const walk = capabilityIds(cfg);
    caps = walk.ids;
    if (walk.truncated) notes.truncated.push(bdf);
    if (walk.problem) r.problem(`${dir}/config`, walk.problem);
  }
  const modes = new Set<string>();
  for (const n of msiNames ?? []) {
    const mode = await r.line(`${dir}/msi_irqs/${n}`);
    if (mode) modes.add(mode);
    else if (mode === null) modes.add("msi-or-msix");
  }
  const rows = rowsByBdf.get(bdf) ?? [];
  const usesMsi = modes.has("msi") || rows.some((x) => x.kind === "msi");
  const usesMsix = modes.has("msix") || rows.some((x) => x.kind === "msix");
  // Without the capability list, a mode in use proves support; its absence proves nothing.
  const fromWalk = msiSupport(caps);
  const msi = caps ? fromWalk.msi : usesMsi || modes.has("msi-or-msix") ? true : null;
  const msix = caps ? fromWalk.msix : usesMsix ? true : null;

  // INTx: the pin from config space; its I/O APIC line from the row of the device's IRQ.
  const pin = header?.pin ?? null;
  let line: number | null = null;
  if (pin && irqF !== null && irqF > 0) {
    const row = rowsByIrq.get(irqF);
    const msiIrq = (msiNames ?? []).includes(String(irqF));
    if (row?.kind === "ioapic") line = row.ioapicLine;
    else if (!row && !msiIrq)
      line = irqF; // x86 with ACPI numbers INTx IRQs by GSI
    else notes.lineUnknown.push(bdf);
  } else if (pin) {
    notes.lineUnknown.push(bdf);
  }

  const dev: PciDevice = {
    id: bdf,
    bus: "pci",
    vendor,
    device,
    class: cls,
    subsystemVendor: subVF ?? header?.subsystemVendor ?? null,
    subsystemDevice: subDF ?? header?.subsystemDevice ?? null,
    vendorName: ids?.vendor(vendor) ?? null,
    deviceName: ids?.device(vendor, device) ?? null,
    className: className(cls),
    driver: driverLink ? driverLink.split("/").pop()! : null,
    irq: { msi, msix, pin, line },
    iommuGroup:
      groupLink && /^\d+$/.test(groupLink.split("/").pop()!)
        ? Number(groupLink.split("/").pop())
        : null,
    node: numa === null || numa < 0 ? null : numa,
  };
  if (resource !== null) {
    const res = parseResource(resource);
    if (res.badLine !== null)
      r.problem(`${dir}/resource`, `line ${res.badLine}: expected "0xSTART 0xEND 0xFLAGS"`);
    dev.bars = res.bars;
  }
  if (caps) dev.capabilities = [...new Set(caps.map(capabilityName))];
  if (bootVga === "1") dev.bootVga = true;
  return dev;
}

export async function readPci(
  r: TreeReader,
  interrupts: InterruptRow[],
  ids: PciIds | null,
): Promise<PciResult> {
  const unknown: string[] = [];
  const names = await r.list(BUS);
  if (names === null) {
    r.problem(BUS, "missing: no PCI devices read");
    return { devices: [], unknown: ["PCI devices: no /sys/bus/pci/devices"] };
  }
  const rowsByIrq = new Map(interrupts.map((x) => [x.irq, x]));
  const rowsByBdf = new Map<string, InterruptRow[]>();
  for (const row of interrupts)
    if (row.bdf) (rowsByBdf.get(row.bdf) ?? rowsByBdf.set(row.bdf, []).get(row.bdf)!).push(row);
  const notes = { truncated: [] as string[], lineUnknown: [] as string[] };
  const bdfs = names.filter((n) => /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/i.test(n));
  for (const n of names)
    if (/^[0-9a-f]{5,8}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/i.test(n))
      r.problem(
        `${BUS}/${n}`,
        "a PCI domain wider than 16 bits (behind an Intel VMD controller): the machine model has no address for it, so the device is left out",
      );
  const found = await Promise.all(
    bdfs.map((b) => readDevice(r, b, rowsByIrq, rowsByBdf, ids, notes)),
  );
  if (notes.truncated.length) {
    r.problem(
      `${BUS}/*/config`,
      `config space of ${notes.truncated.length} device(s) stops at 64 bytes (a non-root reader sees only the header): ` +
        `MSI/MSI-X taken from msi_irqs/ and /proc/interrupts where a device uses them, else unknown (null) (${notes.truncated.slice(0, 4).join(", ")}${notes.truncated.length > 4 ? ", ..." : ""})`,
    );
    unknown.push(
      `capability lists of ${notes.truncated.length} PCI device(s): config space truncated at 64 bytes (MSI/MSI-X written null where none was in use)`,
    );
  }
  if (notes.lineUnknown.length) {
    unknown.push(`I/O APIC line of the INTx pin of ${notes.lineUnknown.sort().join(", ")}`);
  }
  if (!ids)
    unknown.push("PCI vendor and device names: pci.ids is not installed (Debian package pci.ids)");
  return {
    devices: found
      .filter((d): d is PciDevice => d !== null)
      .sort((a, b) => a.id.localeCompare(b.id)),
    unknown,
  };
}
