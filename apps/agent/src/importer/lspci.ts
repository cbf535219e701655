// `lspci -vvv` / `-vv` / `-nnvv` / `-nn` text to PCI device facts. Numeric ids come from
// `-nn` brackets; without them, from the pci.ids database by exact (unique) name. What the
// text does not hold stays unknown.
import type { PciBar, PciPin } from "@tessera/core";
import { subclassByName, type PciIds } from "../discovery/pci-names";

export interface LspciDevice {
  id: string;
  vendor: number | null;
  device: number | null;
  class: number | null;
  vendorName: string | null;
  deviceName: string | null;
  className: string | null;
  pin: PciPin | null;
  irq: number | null;
  msi: boolean;
  msiEnabled: boolean;
  msix: boolean;
  msixEnabled: boolean;
  /** null when lspci could not read the capabilities (run without root) or -v was not given. */
  capabilities: string[] | null;
  capsDenied: boolean;
  driver: string | null;
  iommuGroup: number | null;
  node: number | null;
  bars: PciBar[];
  line: number;
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
} {
  const bare = /^(?:Device )?([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(rest);
  if (bare)
    return {
      vendor: parseInt(bare[1]!, 16),
      device: parseInt(bare[2]!, 16),
      vendorName: null,
      deviceName: null,
    };
  if (!ids) return { vendor: null, device: null, vendorName: null, deviceName: rest };
  let best: { name: string; ids: number[] } | null = null;
  for (const [name, vids] of ids.vendorsByName()) {
    if ((rest === name || rest.startsWith(name + " ")) && (!best || name.length > best.name.length))
      best = { name, ids: vids };
  }
  if (!best) return { vendor: null, device: null, vendorName: null, deviceName: rest };
  const vendor = best.ids.length === 1 ? best.ids[0]! : null;
  const devName = rest.slice(best.name.length).trim();
  const bareDev = /^Device ([0-9a-f]{4})$/i.exec(devName);
  let device: number | null = bareDev ? parseInt(bareDev[1]!, 16) : null;
  if (device === null && vendor !== null) {
    const cands = ids.deviceIdsByName(vendor, devName);
    if (cands.length === 1) device = cands[0]!;
  }
  return { vendor, device, vendorName: best.name, deviceName: bareDev ? null : devName };
}

export function parseLspci(
  text: string,
  ids: PciIds | null,
): { devices: LspciDevice[]; problems: { line: number; message: string }[] } {
  const devices: LspciDevice[] = [];
  const problems: { line: number; message: string }[] = [];
  let cur: LspciDevice | null = null;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, "");
    if (raw.startsWith("$ ")) {
      cur = null; // a pasted shell prompt: whatever follows belongs to another command
      continue;
    }
    // Blank lines, "Root-Cell:"-style captions and the tree view of lspci -t are not devices.
    if (raw.trim() === "" || /^[A-Za-z-]+:\s*$/.test(raw) || /^\s*[-+\\|]/.test(raw)) continue;
    if (!/^\s/.test(raw)) {
      const h = HEAD.exec(raw);
      if (!h) {
        problems.push({
          line: i + 1,
          message: `expected a device line "BB:DD.F Class: Vendor Device", got ${JSON.stringify(raw.slice(0, 70))}`,
        });
        cur = null;
        continue;
      }
      const rest = h[4]!
        .replace(/\s*\(prog-if [0-9a-f]{2}.*$/i, "")
        .replace(/\s*\(rev [0-9a-f]+\)/i, "")
        .trim();
      const progIf = /\(prog-if ([0-9a-f]{2})/i.exec(h[4]!);
      let vendor: number | null;
      let device: number | null;
      const nn = /\s*\[([0-9a-f]{4}):([0-9a-f]{4})\]$/i.exec(rest);
      let names;
      if (nn) {
        vendor = parseInt(nn[1]!, 16);
        device = parseInt(nn[2]!, 16);
        names = {
          vendorName: ids?.vendor(vendor) ?? null,
          deviceName: ids?.device(vendor, device) ?? null,
        };
      } else {
        const r = idsFromNames(rest, ids);
        vendor = r.vendor;
        device = r.device;
        names = { vendorName: r.vendorName, deviceName: r.deviceName };
      }
      const sub = h[3] ? parseInt(h[3], 16) : subclassByName(h[2]!);
      cur = {
        id: h[1]!.length === 7 ? `0000:${h[1]!.toLowerCase()}` : h[1]!.toLowerCase(),
        vendor,
        device,
        class: sub === null ? null : (sub << 8) | (progIf ? parseInt(progIf[1]!, 16) : 0),
        vendorName: names.vendorName,
        deviceName: names.deviceName,
        className: h[2]!,
        pin: null,
        irq: null,
        msi: false,
        msiEnabled: false,
        msix: false,
        msixEnabled: false,
        capabilities: null,
        capsDenied: false,
        driver: null,
        iommuGroup: null,
        node: null,
        bars: [],
        line: i + 1,
      };
      devices.push(cur);
      continue;
    }
    if (!cur) continue;
    const t = raw.trim();
    let m: RegExpExecArray | null;
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
        continue;
      }
      cur.capabilities ??= [];
      const name = CAPS.find(([re]) => re.test(what))?.[1] ?? "other";
      if (name !== "other" && !cur.capabilities.includes(name)) cur.capabilities.push(name);
      if (name === "msi") {
        cur.msi = true;
        cur.msiEnabled = /Enable\+/.test(what);
      } else if (name === "msix") {
        cur.msix = true;
        cur.msixEnabled = /Enable\+/.test(what);
      }
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
          line: i + 1,
          message: `expected a size like [size=64K], got ${JSON.stringify(t.slice(0, 70))}`,
        });
        continue;
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
  return { devices, problems };
}
