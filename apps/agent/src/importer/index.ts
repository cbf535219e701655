// Import: build a tessera/machine@1 from text an operator already has (dmesg, lspci,
// /proc/cpuinfo, /proc/interrupts). What the given text does not say is listed in
// discovery.unknown, never filled in; malformed lines come back with file and line number.
import {
  MACHINE_SCHEMA,
  buildLegacyDevices,
  fingerprint,
  type Cpu,
  type DiscoveryProblem,
  type LegacyDevice,
  type LegacyFacts,
  type Machine,
  type PciDevice,
} from "@tessera/core";
import { assignNodes } from "../discovery/memory";
import { className, DEFAULT_PCI_IDS } from "../discovery/pci-names";
import { loadPciIds } from "../discovery/pci-ids-index";
import { parseCpuinfo, parseInterrupts, type InterruptRow } from "../discovery/text-formats";
import { platformFromText } from "../discovery/platform";
import { parseDmesg, splitBoots, type DmesgFacts } from "./dmesg";
import { parseLspci } from "./lspci";

export { parseDmesg, splitBoots } from "./dmesg";
export type { DmesgFacts, DmesgOptions } from "./dmesg";
export { parseLspci } from "./lspci";
export type { LspciDevice, LspciResult, LspciSection } from "./lspci";

export interface ImportInput {
  dmesg?: string;
  lspci?: string;
  cpuinfo?: string;
  interrupts?: string;
}

export interface ImportOptions {
  /** How to name each input in problems (its file path); defaults to the input's name. */
  names?: Partial<Record<keyof ImportInput, string>>;
  /** pci.ids for names and for ids of name-only lspci text; null turns it off. */
  pciIds?: string | null;
  /** Which boot of a log holding several to read (1-based); default the last. */
  boot?: number;
}

export interface ImportResult {
  machine: Machine;
  /** Malformed lines, each with the file and line number in message. */
  problems: DiscoveryProblem[];
  /** What the import chose on the user's behalf, in words (which boot, which memory map). */
  notes: string[];
}

/** Sentinels where the text names a device but not its numeric ids (listed in unknown). */
const NO_ID = 0xffff;
const NO_CLASS = 0xffffff;

export async function importMachine(
  input: ImportInput,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const name = (k: keyof ImportInput) => options.names?.[k] ?? k;
  const problems: DiscoveryProblem[] = [];
  const unknown: string[] = [];
  const notes: string[] = [];
  const report = (k: keyof ImportInput, list: { line: number; message: string }[]) => {
    for (const p of list) problems.push({ path: name(k), message: `line ${p.line}: ${p.message}` });
  };

  let rows: InterruptRow[] | null = null;
  if (input.interrupts !== undefined) {
    const parsed = parseInterrupts(input.interrupts);
    report("interrupts", parsed.problems);
    rows = parsed.rows;
  } else {
    unknown.push("interrupt routing: no /proc/interrupts given");
  }
  // The I/O APIC line of a Linux IRQ: its /proc/interrupts row says; without a row (or
  // without the file) x86 with ACPI numbers I/O APIC IRQs by GSI, unless MSI took it over.
  const lineOfIrq = (irq: number, msiActive = false): number | null => {
    const row = rows?.find((r) => r.irq === irq);
    if (row) return row.kind === "ioapic" ? row.ioapicLine : null;
    return msiActive ? null : irq;
  };

  // Memory and what else the kernel log says.
  const d = input.dmesg !== undefined ? parseDmesg(input.dmesg, { boot: options.boot }) : null;
  if (d) report("dmesg", d.problems);
  if (d && d.boots > 1)
    notes.push(
      `${name("dmesg")}: ${d.boots} boots found ("Linux version" banners); read boot ${d.boot}${d.boot === d.boots ? ", the last" : ""}, from line ${d.bootLine} (--boot N picks another)`,
    );
  if (d?.userE820)
    notes.push(
      `${name("dmesg")}: the "user-defined physical RAM map" (memmap= on the command line) was applied: ${d.userE820.length} ranges instead of the firmware's ${d.firmwareE820.length}`,
    );
  let memoryMap = d?.e820 ?? [];
  if (!d) unknown.push("memory map: no dmesg given");
  else if (d.e820.length === 0) {
    problems.push({
      path: name("dmesg"),
      message: `no "BIOS-e820:" lines in boot ${d.boot} (is it the start of a boot log?)`,
    });
    unknown.push("memory map: no BIOS-e820 lines in dmesg");
  }
  if (d && d.nodeRanges.length) memoryMap = assignNodes(memoryMap, d.nodeRanges);
  else if (memoryMap.length)
    unknown.push("NUMA node of each memory range: no early memory node ranges in dmesg");

  // Cores: only cpuinfo has LAPIC IDs with their package and core.
  const cpus: Cpu[] = [];
  if (input.cpuinfo !== undefined) {
    const info = parseCpuinfo(input.cpuinfo);
    report("cpuinfo", info.problems);
    const procs = info.processors.filter((p) => {
      if ((p.apicId ?? p.initialApicId) !== null && p.physicalId !== null && p.coreId !== null)
        return true;
      problems.push({
        path: name("cpuinfo"),
        message: `line ${p.line}: processor ${p.processor} has no "apicid", "physical id" or "core id"`,
      });
      return false;
    });
    for (const p of procs) {
      const apicId = (p.apicId ?? p.initialApicId)!;
      const siblings = procs
        .filter((q) => q.physicalId === p.physicalId && q.coreId === p.coreId)
        .map((q) => (q.apicId ?? q.initialApicId)!);
      cpus.push({
        apicId,
        cpu: p.processor,
        package: p.physicalId!,
        core: p.coreId!,
        node: d?.apicNodes.get(apicId) ?? null,
        siblings: siblings.sort((a, b) => a - b),
        online: true,
        coreType: null,
      });
    }
    if (cpus.length) unknown.push("hybrid core types: not in /proc/cpuinfo");
    if (cpus.some((c) => c.node === null))
      unknown.push('NUMA node of cores: no "SRAT: PXM -> APIC -> Node" lines in dmesg');
    const missing = (d?.lapics ?? []).filter((id) => !cpus.some((c) => c.apicId === id));
    if (missing.length)
      unknown.push(
        `cores with LAPIC IDs ${missing.join(",")} (in the MADT, not in cpuinfo: offline?): package and core unknown, left out`,
      );
  } else if (d && (d.lapics.length || d.apicNodes.size)) {
    cpus.push(...cpusFromDmesg(d, unknown));
  } else {
    const hint = d?.cpusBroughtUp
      ? `dmesg says ${d.cpusBroughtUp} CPUs were brought up but names no LAPIC ID`
      : "nothing given";
    unknown.push(`cores: no /proc/cpuinfo given, so no LAPIC IDs with package and core (${hint})`);
  }

  // PCI devices.
  const devices: (PciDevice | LegacyDevice)[] = [];
  if (input.lspci !== undefined) {
    const ids =
      options.pciIds === null ? null : await loadPciIds(options.pciIds ?? DEFAULT_PCI_IDS);
    const parsed = parseLspci(input.lspci, ids);
    report("lspci", parsed.problems);
    if (parsed.sections.length > 1)
      notes.push(
        `${name("lspci")}: ${parsed.sections.length} lspci outputs (${parsed.sections.map((x) => `line ${x.line}: ${x.format}`).join("; ")}), merged into ${parsed.devices.length} devices by address`,
      );
    const noIds: string[] = [];
    const noCaps: string[] = [];
    const noLine: string[] = [];
    for (const l of parsed.devices) {
      if (l.vendor === null || l.device === null || l.class === null) noIds.push(l.id);
      if (l.msi === null || l.msix === null) noCaps.push(l.id);
      let line: number | null = null;
      // IRQ 255 is the PCI "not connected" value; an IRQ that MSI has taken over says nothing
      // about the INTx route.
      if (l.pin && l.irq !== null && l.irq > 0 && l.irq !== 255)
        line = lineOfIrq(l.irq, l.msiEnabled || l.msixEnabled);
      if (l.pin && line === null) noLine.push(l.id);
      const cls = l.class ?? NO_CLASS;
      const dev: PciDevice = {
        id: l.id,
        bus: "pci",
        vendor: l.vendor ?? NO_ID,
        device: l.device ?? NO_ID,
        class: cls,
        subsystemVendor: l.subsystemVendor,
        subsystemDevice: l.subsystemDevice,
        vendorName: l.vendorName,
        deviceName: l.deviceName,
        className: l.class !== null ? className(cls) : l.className,
        driver: l.driver,
        irq: { msi: l.msi, msix: l.msix, pin: l.pin, line },
        iommuGroup: l.iommuGroup,
        node: l.node,
      };
      if (l.bars.length) dev.bars = l.bars;
      if (l.capabilities) dev.capabilities = l.capabilities;
      if (d?.bootVga === l.id) dev.bootVga = true;
      devices.push(dev);
    }
    if (parsed.devices.length === 0)
      problems.push({ path: name("lspci"), message: "no device lines found" });
    if (noIds.length)
      unknown.push(
        `numeric vendor/device/class ids of ${noIds.join(", ")}: lspci printed names only and pci.ids has no unique match (use lspci -nn); 0xffff written`,
      );
    if (noCaps.length)
      unknown.push(
        `MSI/MSI-X support of ${noCaps.length} device(s), written null: no readable capability list (lspci -vvv or -xxx as root shows it)`,
      );
    if (parsed.devices.some((l) => l.capsDenied))
      problems.push({
        path: name("lspci"),
        message: "capabilities show <access denied>: lspci was run without root",
      });
    if (noLine.length) unknown.push(`I/O APIC line of the INTx pin of ${noLine.join(", ")}`);
    if (!parsed.devices.some((l) => l.iommuGroup !== null))
      unknown.push("IOMMU groups: not in the lspci text");
  } else {
    unknown.push("PCI devices: no lspci given");
  }

  // Legacy devices the log or the interrupt table names: facts for core's builder, the same
  // one live discovery uses.
  const i8042Rows = (rows ?? []).filter((r) => r.kind === "ioapic" && r.actions.includes("i8042"));
  const kbd =
    d?.i8042.find((p) => p.port === "KBD") ??
    (i8042Rows.some((r) => r.ioapicLine === 1) ? { irq: 1 } : null);
  const aux =
    d?.i8042.find((p) => p.port === "AUX") ??
    (i8042Rows.some((r) => r.ioapicLine === 12) ? { irq: 12 } : null);
  const legacy: LegacyFacts = {
    serial: (d?.serial ?? []).map((s) => ({ port: s.port, line: lineOfIrq(s.irq) })),
    keyboard: kbd ? { line: lineOfIrq(kbd.irq) } : null,
    mouse: aux ? { line: lineOfIrq(aux.irq) } : null,
    vga: d?.bootVga ? { name: `boot VGA ${d.bootVga}` } : null,
  };
  devices.push(
    ...buildLegacyDevices(
      legacy,
      devices.filter((x): x is PciDevice => x.bus === "pci"),
    ),
  );
  if (!d) unknown.push("legacy devices (serial ports, i8042, boot VGA): no dmesg given");

  const machine: Machine = {
    schema: MACHINE_SCHEMA,
    identity: {
      hostname: null,
      vendor: null,
      product: d?.dmi ? d.dmi.split("/")[0]!.trim() : null,
      kernel: d?.kernel ?? null,
      fingerprint: null,
    },
    cpus: cpus.sort((a, b) => a.cpu - b.cpu),
    memoryMap,
    devices,
    // The chosen boot only: a kdump kernel's log after the first boot says its own things.
    platform: platformFromText(
      { log: d ? bootText(input.dmesg!, d) : undefined, cpuinfo: input.cpuinfo },
      unknown,
    ),
  };
  machine.identity!.fingerprint = fingerprint(machine);
  machine.discovery = {
    source: "import",
    memorySource: memoryMap.length ? (d?.userE820 ? "dmesg-user-e820" : "dmesg-e820") : "unknown",
    problems,
    unknown,
  };
  return { machine, problems, notes };
}

/**
 * Cores from the log alone: the MADT's LAPIC lines (Linux numbers CPUs in that order), else
 * the SRAT's APIC -> node lines. The log does not say package, core or SMT siblings.
 */
function cpusFromDmesg(d: DmesgFacts, unknown: string[]): Cpu[] {
  const fromMadt = d.lapics.length > 0;
  const ids = fromMadt ? d.lapics : [...d.apicNodes.keys()];
  const up = d.cpusBroughtUp;
  const out = ids.map((apicId, i) => ({
    apicId,
    cpu: i,
    package: 0,
    core: apicId,
    node: d.apicNodes.get(apicId) ?? null,
    siblings: [apicId],
    // Linux brings CPUs up in MADT order, so the first `up` of them are the online ones.
    online: up === null || i < up,
    coreType: null,
  }));
  const source = fromMadt ? '"ACPI: LAPIC" lines' : '"SRAT: PXM -> APIC -> Node" lines';
  unknown.push(
    `package, core and SMT siblings of the ${out.length} cores taken from dmesg's ${source}: the log does not say (give /proc/cpuinfo); each is written as its own core (core = LAPIC ID) in package 0`,
  );
  if (!fromMadt)
    unknown.push(
      "Linux CPU numbers and which cores were online: no MADT lines in dmesg, so they follow SRAT order",
    );
  if (out.some((c) => c.node === null))
    unknown.push('NUMA node of cores: no "SRAT: PXM -> APIC -> Node" lines in dmesg');
  return out;
}

/** The lines of the boot parseDmesg read (from its banner to the next one). */
function bootText(dmesg: string, d: DmesgFacts): string {
  const lines = dmesg.split("\n");
  const starts = splitBoots(lines);
  const from = d.bootLine - 1;
  const next = starts.find((s) => s > from);
  return lines.slice(from, next ?? lines.length).join("\n");
}
