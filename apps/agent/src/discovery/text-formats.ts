// Parsers for /proc text that discovery and the importer share: /proc/cpuinfo,
// /proc/interrupts and e820 type names. Pure functions over strings.
import type { E820Type } from "@tessera/core";

export interface CpuinfoProcessor {
  processor: number;
  apicId: number | null;
  initialApicId: number | null;
  physicalId: number | null;
  coreId: number | null;
  modelName: string | null;
  /** "vendor_id", "cpu family" and "model": enough to know a hybrid (P/E-core) part. */
  vendorId: string | null;
  family: number | null;
  model: number | null;
  /** The "hybrid_cpu" flag newer kernels show on parts with two core types. */
  hybridFlag: boolean;
  /** 1-based line number where the block starts, for messages. */
  line: number;
}

export interface LineProblem {
  line: number;
  message: string;
}

/** Splits /proc/cpuinfo into processor blocks. Lines that are not "key : value" are reported. */
export function parseCpuinfo(text: string): {
  processors: CpuinfoProcessor[];
  problems: LineProblem[];
} {
  const processors: CpuinfoProcessor[] = [];
  const problems: LineProblem[] = [];
  let cur: CpuinfoProcessor | null = null;
  const lines = text.split("\n");
  const int = (v: string, line: number, key: string): number | null => {
    if (/^\d+$/.test(v)) return Number(v);
    problems.push({ line, message: `"${key}" should be a number, got ${JSON.stringify(v)}` });
    return null;
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === "") continue;
    const colon = raw.indexOf(":");
    if (colon === -1) {
      problems.push({
        line: i + 1,
        message: `expected "key : value", got ${JSON.stringify(raw.slice(0, 60))}`,
      });
      continue;
    }
    const key = raw.slice(0, colon).trim();
    const value = raw.slice(colon + 1).trim();
    if (key === "processor") {
      const n = int(value, i + 1, key);
      cur = {
        processor: n ?? -1,
        apicId: null,
        initialApicId: null,
        physicalId: null,
        coreId: null,
        modelName: null,
        vendorId: null,
        family: null,
        model: null,
        hybridFlag: false,
        line: i + 1,
      };
      if (n !== null) processors.push(cur);
      continue;
    }
    if (!cur) continue;
    if (key === "apicid") cur.apicId = int(value, i + 1, key);
    else if (key === "initial apicid") cur.initialApicId = int(value, i + 1, key);
    else if (key === "physical id") cur.physicalId = int(value, i + 1, key);
    else if (key === "core id") cur.coreId = int(value, i + 1, key);
    else if (key === "model name") cur.modelName = value;
    else if (key === "vendor_id") cur.vendorId = value;
    else if (key === "cpu family") cur.family = /^\d+$/.test(value) ? Number(value) : null;
    else if (key === "model") cur.model = /^\d+$/.test(value) ? Number(value) : null;
    else if (key === "flags") cur.hybridFlag = /(?:^| )hybrid_cpu(?: |$)/.test(value);
  }
  return { processors, problems };
}

export interface InterruptRow {
  /** Linux IRQ number. */
  irq: number;
  /** Chip name: "IO-APIC", "IR-IO-APIC", "PCI-MSI", "PCI-MSIX-0000:00:0d.2", "IR-PCI-MSI-edge" (old). */
  chip: string;
  /** Hardware IRQ within the chip (for an I/O APIC: its pin), null in the old format. */
  hwirq: number | null;
  /** The I/O APIC line this row sits on, null when it is not an I/O APIC row. */
  ioapicLine: number | null;
  kind: "ioapic" | "msi" | "msix" | "other";
  /** PCI address named by the chip (new per-device domains) or by an action "drv[0000:00:1f.2]". */
  bdf: string | null;
  actions: string[];
  line: number;
}

const BDF = /([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])/i;

/**
 * /proc/interrupts: a header of CPU columns (possibly non-contiguous), then one row per IRQ.
 * Handles the old "IR-IO-APIC-edge name" and the new "IO-APIC 4-edge name" layouts.
 */
export function parseInterrupts(text: string): { rows: InterruptRow[]; problems: LineProblem[] } {
  const rows: InterruptRow[] = [];
  const problems: LineProblem[] = [];
  const lines = text.split("\n");
  let header = -1;
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*CPU\d+/.test(lines[i]!)) {
      header = i;
      break;
    }
  }
  if (header === -1) {
    problems.push({ line: 1, message: 'expected a header line of CPU columns ("CPU0 CPU1 ...")' });
    return { rows, problems };
  }
  const ncpu = lines[header]!.trim().split(/\s+/).length;
  for (let i = header + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === "") continue;
    const m = /^\s*(\d+):(.*)$/.exec(raw);
    if (!m) {
      if (!/^\s*[A-Za-z]{2,4}:/.test(raw)) {
        problems.push({
          line: i + 1,
          message: `expected "IRQ: counts chip ...", got ${JSON.stringify(raw.slice(0, 60))}`,
        });
      }
      continue;
    }
    const tokens = m[2]!.trim().split(/\s+/);
    let k = 0;
    while (k < ncpu && k < tokens.length && /^\d+$/.test(tokens[k]!)) k++;
    const rest = tokens.slice(k);
    if (rest.length === 0) continue;
    const chip = rest[0]!;
    let hwirq: number | null = null;
    let next = 1;
    const hw = rest[1] !== undefined ? /^(\d+)-(edge|level|fasteoi|[a-z]+)$/i.exec(rest[1]) : null;
    if (hw) {
      hwirq = Number(hw[1]);
      next = 2;
    } else if (rest[1] !== undefined && /^(edge|level|fasteoi)$/i.test(rest[1])) {
      next = 2;
    }
    const actions = rest
      .slice(next)
      .join(" ")
      .split(/,\s*/)
      .filter((a) => a !== "");
    const upper = chip.toUpperCase();
    let kind: InterruptRow["kind"] = "other";
    if (upper.includes("IO-APIC")) kind = "ioapic";
    else if (upper.includes("MSIX") || upper.includes("MSI-X")) kind = "msix";
    else if (upper.includes("MSI")) kind = "msi";
    const bdfMatch = BDF.exec(chip) ?? BDF.exec(actions.join(" "));
    rows.push({
      irq: Number(m[1]),
      chip,
      hwirq,
      // The new layout names the pin; the old one numbers IRQs by GSI, so the IRQ is the line.
      ioapicLine: kind === "ioapic" ? (hwirq ?? Number(m[1])) : null,
      kind,
      bdf: bdfMatch ? bdfMatch[1]!.toLowerCase() : null,
      actions,
      line: i + 1,
    });
  }
  return { rows, problems };
}

/** Maps a kernel or dmesg e820 type name to the model's type. */
export function e820Type(name: string): E820Type {
  const t = name.trim();
  const lower = t.toLowerCase();
  if (lower === "system ram" || lower === "usable") return "usable";
  if (lower === "reserved") return "reserved";
  if (lower === "acpi tables" || lower === "acpi data") return "acpi";
  if (lower === "acpi non-volatile storage" || lower === "acpi nvs") return "nvs";
  if (lower === "unusable memory" || lower === "unusable") return "unusable";
  if (
    lower.startsWith("persistent memory") ||
    lower === "persistent (type 12)" ||
    lower === "type 7" ||
    lower === "persistent (type 7)"
  )
    return "pmem";
  return "unknown";
}

/** The e820 names that /proc/iomem shows at top level (everything else there is MMIO). */
export function isE820Name(name: string): boolean {
  const lower = name.trim().toLowerCase();
  return (
    e820Type(name) !== "unknown" ||
    lower === "soft reserved" ||
    lower.startsWith("unknown e820 type")
  );
}
