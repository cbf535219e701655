// Builders for the core's tests and benchmark (not exported from the package entry).
import type { Cpu, Device, Instance, Machine, MemoryRegion, PciDevice, Profile } from "./model";
import { q } from "./units";

export interface Shape {
  sockets?: number;
  coresPerSocket?: number;
  threads?: number;
  /** LAPIC ID of socket s, core c, thread t. Default: dense, s*cores*threads + c*threads + t. */
  apic?: (s: number, c: number, t: number) => number;
  memoryMap?: MemoryRegion[];
  devices?: Device[];
  coreType?: (s: number, c: number) => Cpu["coreType"];
}

/** Below 2 GiB on a typical PC: low RAM to 0x9fc00, BIOS areas, RAM to 2 GiB, ACPI tables. */
export function pcLowMap(): MemoryRegion[] {
  return [
    { start: 0n, size: q("0x9fc00"), type: "usable", node: 0 },
    { start: q("0x9fc00"), size: q("0x400"), type: "reserved" },
    { start: q("0xf0000"), size: q("0x10000"), type: "reserved" },
    { start: q("0x100000"), size: q("0x7fe00000"), type: "usable", node: 0 },
    { start: q("0x7ff00000"), size: q("0x100000"), type: "acpi" },
  ];
}

/** A typical PC map: pcLowMap, the PCI hole with the APIC windows, RAM above 4 GiB. */
export function pcMemoryMap(highGiB = 14, nodes = 1): MemoryRegion[] {
  const map: MemoryRegion[] = [
    ...pcLowMap(),
    { start: q("0xb0000000"), size: q("0x10000000"), type: "reserved" },
    { start: q("0xfec00000"), size: q("0x1000"), type: "reserved" },
    { start: q("0xfee00000"), size: q("0x1000"), type: "reserved" },
  ];
  const per = BigInt(highGiB) / BigInt(nodes);
  for (let n = 0; n < nodes; n++) {
    map.push({
      start: q("4G") + BigInt(n) * per * q("1G"),
      size: per * q("1G"),
      type: "usable",
      node: n,
    });
  }
  return map;
}

export function pci(id: string, over: Partial<PciDevice> = {}): PciDevice {
  return {
    id,
    bus: "pci",
    vendor: 0x8086,
    device: 0x1000 + Number.parseInt(id.slice(5, 7), 16) * 8 + Number.parseInt(id.slice(8, 10), 16),
    class: 0x020000,
    driver: null,
    irq: { msi: true, msix: true, pin: "A", line: 16 },
    iommuGroup: null,
    node: 0,
    ...over,
  };
}

export function makeMachine(shape: Shape = {}): Machine {
  const sockets = shape.sockets ?? 1;
  const cores = shape.coresPerSocket ?? 4;
  const threads = shape.threads ?? 1;
  const apic = shape.apic ?? ((s, c, t) => s * cores * threads + c * threads + t);
  const cpus: Cpu[] = [];
  let n = 0;
  for (let s = 0; s < sockets; s++) {
    for (let c = 0; c < cores; c++) {
      const siblings = Array.from({ length: threads }, (_, t) => apic(s, c, t));
      for (let t = 0; t < threads; t++) {
        cpus.push({
          apicId: apic(s, c, t),
          cpu: n++,
          package: s,
          core: c,
          node: s,
          siblings,
          online: true,
          coreType: shape.coreType ? shape.coreType(s, c) : null,
        });
      }
    }
  }
  return {
    schema: "tessera/machine@1",
    cpus,
    memoryMap: shape.memoryMap ?? pcMemoryMap(14, sockets),
    devices: shape.devices ?? [],
  };
}

export function inst(
  name: string,
  cpus: number[],
  memory: [string, string][],
  extra: Partial<Instance> = {},
): Instance {
  return {
    name,
    cpus,
    memory: memory.map(([s, z]) => ({ start: q(s), size: q(z) })),
    devices: [],
    ...extra,
  };
}

export function profile(...instances: Instance[]): Profile {
  return { schema: "tessera/profile@1", name: "test", instances };
}
