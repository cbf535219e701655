// A large machine for the speed bench: 1024 logical CPUs (4 sockets x 2 NUMA nodes x 64
// cores x 2 SMT threads, LAPIC IDs with gaps like real x2APIC parts), 4096 PCI devices over
// 64 buses with a mix of MSI-X, MSI and INTx, and a 1 TiB memory map. Deterministic.
export function bigMachineJson(): unknown {
  const cpus: unknown[] = [];
  let linux = 0;
  for (let pkg = 0; pkg < 4; pkg++) {
    for (let n = 0; n < 2; n++) {
      for (let core = 0; core < 64; core++) {
        const base = pkg * 512 + n * 256 + core * 2;
        for (let t = 0; t < 2; t++) {
          cpus.push({
            apicId: base + t,
            cpu: linux++,
            package: pkg,
            core: n * 64 + core,
            node: pkg * 2 + n,
            siblings: [base, base + 1],
            online: true,
            coreType: null,
          });
        }
      }
    }
  }
  const GiB = 1n << 30n;
  const memoryMap: unknown[] = [
    { start: "0x0", size: "0x9fc00", type: "usable", node: 0 },
    { start: "0x9fc00", size: "0x400", type: "reserved" },
    { start: "0xf0000", size: "0x10000", type: "reserved" },
    { start: "0x100000", size: "0x7fe00000", type: "usable", node: 0 },
    { start: "0x7ff00000", size: "0x100000", type: "acpi" },
    { start: "0x80000000", size: "0x60000000", type: "reserved" },
    { start: "0xfec00000", size: "0x1000", type: "reserved" },
    { start: "0xfee00000", size: "0x1000", type: "reserved" },
  ];
  for (let node = 0; node < 8; node++) {
    const start = 4n * GiB + BigInt(node) * 128n * GiB;
    memoryMap.push({
      start: "0x" + start.toString(16),
      size: "0x" + (128n * GiB).toString(16),
      type: "usable",
      node,
    });
  }
  const devices: unknown[] = [];
  for (let i = 0; i < 4096; i++) {
    const bus = 1 + Math.floor(i / 64);
    const dev = Math.floor((i % 64) / 8);
    const fn = i % 8;
    const kind = i % 3;
    devices.push({
      id: `0000:${bus.toString(16).padStart(2, "0")}:${dev.toString(16).padStart(2, "0")}.${fn}`,
      bus: "pci",
      vendor: kind === 0 ? "0x8086" : kind === 1 ? "0x15b3" : "0x144d",
      device: kind === 0 ? "0x10d3" : kind === 1 ? "0x101b" : "0xa808",
      class: kind === 0 ? "0x020000" : kind === 1 ? "0x020700" : "0x010802",
      driver: kind === 0 ? "e1000e" : kind === 1 ? "mlx5_core" : "nvme",
      irq: { msi: kind !== 0, msix: kind === 2, pin: "A", line: 16 + (i % 8) },
      iommuGroup: 100 + i,
      node: Math.floor(bus / 8) % 8,
      vendorName:
        kind === 0
          ? "Intel Corporation"
          : kind === 1
            ? "Mellanox Technologies"
            : "Samsung Electronics Co Ltd",
      deviceName:
        kind === 0
          ? "82574L Gigabit Network Connection"
          : kind === 1
            ? "MT28908 Family [ConnectX-6]"
            : "NVMe SSD Controller SM981/PM981/PM983",
      className:
        kind === 0
          ? "Ethernet controller"
          : kind === 1
            ? "Infiniband controller"
            : "Non-Volatile memory controller",
    });
  }
  devices.push(
    { id: "serial@0x3f8", bus: "legacy", kind: "serial", ioPort: 1016, irq: 4, name: "ttyS0" },
    {
      id: "ps2-keyboard",
      bus: "legacy",
      kind: "ps2-keyboard",
      ioPort: 96,
      irq: 1,
      name: "i8042 keyboard",
    },
  );
  return {
    schema: "tessera/machine@1",
    identity: { hostname: "bench-1024", vendor: "Bench", product: "1024-CPU bench fixture" },
    cpus,
    memoryMap,
    devices,
    discovery: { source: "bench", memorySource: "firmware-memmap", problems: [], unknown: [] },
  };
}
