// The bench's machine and profile: a synthetic 1024-CPU, 8-socket, 16 TiB, 4096-device machine
// and 12 instances on it (core.bench.ts times validate, plan and the incremental check on them).
import { q, type Device, type Machine, type MemoryRegion, type Profile } from "@tessera/core";
import { pcLowMap } from "../src/test-support";

export function bigMachine(): Machine {
  const cpus: Machine["cpus"] = [];
  // 8 sockets x 64 cores x 2 threads; LAPIC IDs leave holes between sockets like real parts.
  let n = 0;
  for (let s = 0; s < 8; s++) {
    for (let c = 0; c < 64; c++) {
      const a = s * 256 + c * 2;
      for (let t = 0; t < 2; t++) {
        cpus.push({
          apicId: a + t,
          cpu: n++,
          package: s,
          core: c,
          node: s,
          siblings: [a, a + 1],
          online: true,
          coreType: null,
        });
      }
    }
  }
  const memoryMap: MemoryRegion[] = [
    ...pcLowMap(),
    { start: q("0x80000000"), size: q("0x80000000"), type: "reserved" },
  ];
  for (let node = 0; node < 8; node++) {
    // 2 TiB per node, split by small reserved islands as real firmware maps are.
    const base = q("4G") + BigInt(node) * q("2T");
    memoryMap.push({ start: base, size: q("2T") - q("64M"), type: "usable", node });
    memoryMap.push({ start: base + q("2T") - q("64M"), size: q("64M"), type: "reserved" });
  }
  const devices: Device[] = [];
  for (let i = 0; i < 4096; i++) {
    const bus = (i >> 5).toString(16).padStart(2, "0");
    const dev = (i & 31).toString(16).padStart(2, "0");
    devices.push({
      id: `0000:${bus}:${dev}.0`,
      bus: "pci",
      vendor: 0x8086,
      device: 0x1500 + (i % 64),
      class: 0x020000,
      driver: null,
      irq: { msi: i % 7 !== 0, msix: i % 3 === 0, pin: "A", line: 16 + (i % 8) },
      iommuGroup: i,
      node: i % 8,
    });
  }
  return { schema: "tessera/machine@1", cpus, memoryMap, devices };
}

export function twelve(m: Machine): Profile {
  const instances: Profile["instances"] = [];
  for (let k = 0; k < 12; k++) {
    const cpus = m.cpus
      .slice(k * 84, k * 84 + 84)
      .map((c) => c.apicId)
      .sort((a, b) => a - b);
    const memory =
      k === 0
        ? [{ start: 0n, size: q("2G") }]
        : [{ start: q("4G") + BigInt(k) * q("1T"), size: q("512G") }];
    const devices = m.devices
      .slice(k * 300, k * 300 + 300)
      .map((d) => d.id)
      .filter((_, j) => j % 3 === 0);
    const inst: Profile["instances"][number] = { name: `os${k + 1}`, cpus, memory, devices };
    // 12 instances need the verified minimum 32 KiB slices: 64 KiB ones would not fit below 1 MiB.
    if (k > 0) inst.lowMemory = { start: q("0x10000") + BigInt(k - 1) * q("32K"), size: q("32K") };
    instances.push(inst);
  }
  return { schema: "tessera/profile@1", name: "bench", instances };
}
