// Names for PCI ids. Class names come from a built-in table (PCI Code and ID Assignment
// Specification) so they are always there; vendor and device names come from the pci.ids
// database when it is installed (Debian package `pci.ids`, /usr/share/misc/pci.ids).

const SUBCLASS: Record<number, string> = {
  0x0000: "Non-VGA unclassified device",
  0x0001: "VGA compatible unclassified device",
  0x0100: "SCSI storage controller",
  0x0101: "IDE interface",
  0x0102: "Floppy disk controller",
  0x0104: "RAID bus controller",
  0x0105: "ATA controller",
  0x0106: "SATA controller",
  0x0107: "Serial Attached SCSI controller",
  0x0108: "Non-Volatile memory controller",
  0x0180: "Mass storage controller",
  0x0200: "Ethernet controller",
  0x0280: "Network controller",
  0x0207: "Infiniband controller",
  0x0300: "VGA compatible controller",
  0x0301: "XGA compatible controller",
  0x0302: "3D controller",
  0x0380: "Display controller",
  0x0400: "Multimedia video controller",
  0x0401: "Multimedia audio controller",
  0x0403: "Audio device",
  0x0480: "Multimedia controller",
  0x0500: "RAM memory",
  0x0580: "Memory controller",
  0x0600: "Host bridge",
  0x0601: "ISA bridge",
  0x0604: "PCI bridge",
  0x0607: "CardBus bridge",
  0x0680: "Bridge",
  0x0700: "Serial controller",
  0x0701: "Parallel controller",
  0x0703: "Modem",
  0x0780: "Communication controller",
  0x0800: "PIC",
  0x0801: "DMA controller",
  0x0802: "Timer",
  0x0803: "RTC",
  0x0805: "SD Host controller",
  0x0806: "IOMMU",
  0x0880: "System peripheral",
  0x0900: "Keyboard controller",
  0x0902: "Mouse controller",
  0x0c03: "USB controller",
  0x0c05: "SMBus",
  0x0c07: "IPMI Interface",
  0x0c80: "Serial bus controller",
  0x0d00: "IRDA controller",
  0x0d11: "Bluetooth",
  0x0d80: "Wireless controller",
  0x1080: "Encryption controller",
  0x1101: "Performance counters",
  0x1180: "Signal processing controller",
  0x1200: "Processing accelerators",
  0xff00: "Unassigned class",
};

const CLASS: Record<number, string> = {
  0x00: "Unclassified device",
  0x01: "Mass storage controller",
  0x02: "Network controller",
  0x03: "Display controller",
  0x04: "Multimedia controller",
  0x05: "Memory controller",
  0x06: "Bridge",
  0x07: "Communication controller",
  0x08: "Generic system peripheral",
  0x09: "Input device controller",
  0x0a: "Docking station",
  0x0b: "Processor",
  0x0c: "Serial bus controller",
  0x0d: "Wireless controller",
  0x0e: "Intelligent controller",
  0x0f: "Satellite communications controller",
  0x10: "Encryption controller",
  0x11: "Signal processing controller",
  0x12: "Processing accelerators",
  0x13: "Non-Essential Instrumentation",
  0x40: "Coprocessor",
  0xff: "Unassigned class",
};

/** Subclass code (class << 8 | subclass) of a class name as lspci prints it, or null. */
export function subclassByName(name: string): number | null {
  for (const [code, n] of Object.entries(SUBCLASS)) if (n === name) return Number(code);
  for (const [code, n] of Object.entries(CLASS)) if (n === name) return Number(code) << 8;
  return null;
}

/** Name of a 24-bit class code: the subclass name when known, else the base class name. */
export function className(classCode: number): string {
  const sub = (classCode >> 8) & 0xffff;
  return (
    SUBCLASS[sub] ?? CLASS[(classCode >> 16) & 0xff] ?? `Class ${sub.toString(16).padStart(4, "0")}`
  );
}

export interface PciIds {
  vendor(id: number): string | null;
  device(vendor: number, device: number): string | null;
  /** Reverse lookups for name-only text (lspci without -nn): ids only when the name is unique. */
  vendorsByName(): Map<string, number[]>;
  deviceIdsByName(vendor: number, name: string): number[];
}

export const DEFAULT_PCI_IDS = "/usr/share/misc/pci.ids";

/** Parses the vendor/device part of pci.ids (it stops at the class section). */
export function parsePciIds(text: string): PciIds {
  const vendors = new Map<number, string>();
  const devices = new Map<number, string>();
  let vendor = -1;
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("C ")) break;
    if (line.startsWith("\t\t")) continue;
    if (line.startsWith("\t")) {
      if (vendor < 0) continue;
      const m = /^\t([0-9a-f]{4})\s+(.*)$/.exec(line);
      if (m) devices.set(vendor * 0x10000 + parseInt(m[1]!, 16), m[2]!);
      continue;
    }
    const m = /^([0-9a-f]{4})\s+(.*)$/.exec(line);
    vendor = m ? parseInt(m[1]!, 16) : -1;
    if (m) vendors.set(vendor, m[2]!);
  }
  let byName: Map<string, number[]> | null = null;
  let devByName: Map<string, number[]> | null = null;
  return {
    vendor: (id) => vendors.get(id) ?? null,
    device: (v, d) => devices.get(v * 0x10000 + d) ?? null,
    vendorsByName: () => {
      if (!byName) {
        byName = new Map();
        for (const [id, name] of vendors)
          (byName.get(name) ?? byName.set(name, []).get(name)!).push(id);
      }
      return byName;
    },
    deviceIdsByName: (v, name) => {
      if (!devByName) {
        devByName = new Map();
        for (const [key, n] of devices) {
          const k = `${Math.floor(key / 0x10000)}:${n}`;
          (devByName.get(k) ?? devByName.set(k, []).get(k)!).push(key % 0x10000);
        }
      }
      return devByName.get(`${v}:${name}`) ?? [];
    },
  };
}
