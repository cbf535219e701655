// One describe per rule of SPEC.md, named by its code. Each shows the finding on a broken
// layout and its absence on the fixed one.
import { describe, expect, it } from "vitest";
import { validate, hasErrors } from "./validate";
import type { Diagnostic, Profile } from "./model";
import { inst, makeMachine, pci, profile } from "./test-support";
import { q } from "./units";
import { conflictsWith, startConflicts, successorOf } from "./conflicts";
import { plan } from "./plan";

const machine = makeMachine({ coresPerSocket: 8 });

function base(): Profile {
  return profile(
    inst("os1", [0, 1], [["0x0", "2G"]]),
    inst("os2", [2, 3], [["4G", "4G"]]),
    inst("os3", [4, 5, 6, 7], [["8G", "4G"]]),
  );
}

function codes(d: Diagnostic[], code: string): Diagnostic[] {
  return d.filter((x) => x.code === code);
}

describe("the base layout", () => {
  it("has no errors and no warnings", () => {
    const d = validate(machine, base());
    expect(d.filter((x) => x.severity !== "info")).toEqual([]);
  });
});

describe("PROFILE-EMPTY", () => {
  it("reports a profile without instances", () => {
    const d = validate(machine, profile());
    expect(d.map((x) => x.code)).toEqual(["PROFILE-EMPTY"]);
  });
});

describe("PROFILE-NAME-DUP", () => {
  it("reports the second instance with a taken name", () => {
    const p = base();
    p.instances[2]!.name = "os2";
    const [d] = codes(validate(machine, p), "PROFILE-NAME-DUP");
    expect(d).toMatchObject({ path: "instances[2].name", severity: "error" });
    expect(codes(validate(machine, base()), "PROFILE-NAME-DUP")).toEqual([]);
  });
});

describe("PROFILE-NAME-INVALID", () => {
  it("reports names that cannot name a loader instance", () => {
    const p = base();
    p.instances[1]!.name = "os 2; rm";
    expect(codes(validate(machine, p), "PROFILE-NAME-INVALID")[0]?.path).toBe("instances[1].name");
  });
});

describe("CPU-NONE", () => {
  it("reports an instance without cores and suggests a free one", () => {
    const p = base();
    p.instances[2]!.cpus = [];
    const [d] = codes(validate(machine, p), "CPU-NONE");
    expect(d).toMatchObject({ instance: "os3", path: "instances[2].cpus" });
    expect(d!.hint).toContain("core 4");
  });
});

describe("CPU-UNKNOWN", () => {
  it("reports a LAPIC ID the machine does not have, with its path", () => {
    const p = base();
    p.instances[1]!.cpus = [2, 3, 99];
    const [d] = codes(validate(machine, p), "CPU-UNKNOWN");
    expect(d).toMatchObject({ path: "instances[1].cpus[2]", subject: { cpus: [99] } });
  });
});

describe("CPU-SHARED", () => {
  it("reports a core in two instances on the later one", () => {
    const p = base();
    p.instances[2]!.cpus = [3, 4, 5, 6, 7];
    const [d] = codes(validate(machine, p), "CPU-SHARED");
    expect(d).toMatchObject({ instance: "os3", path: "instances[2].cpus[0]" });
    expect(d!.message).toContain("os2");
  });
  it("reports a core listed twice in one instance", () => {
    const p = base();
    p.instances[1]!.cpus = [2, 3, 3];
    expect(codes(validate(machine, p), "CPU-SHARED")).toHaveLength(1);
  });
});

describe("CPU-CONTIGUOUS", () => {
  it("reports a gap and names the next free run", () => {
    const p = base();
    p.instances[1]!.cpus = [2, 4];
    p.instances[2]!.cpus = [6, 7];
    const [d] = codes(validate(machine, p), "CPU-CONTIGUOUS");
    expect(d!.message).toContain("3");
    expect(d!.hint).toBe("Use cores 2-3, the next free run after os1.");
  });
  it("accepts a run across LAPIC ID holes (consecutive present IDs)", () => {
    const holes = makeMachine({ coresPerSocket: 4, apic: (_s, c) => c * 2 }); // 0,2,4,6
    const p = profile(inst("os1", [0, 2], [["0x0", "2G"]]), inst("os2", [4, 6], [["4G", "4G"]]));
    expect(codes(validate(holes, p), "CPU-CONTIGUOUS")).toEqual([]);
  });
  it("does not care about the order cores are listed in", () => {
    const p = base();
    p.instances[2]!.cpus = [7, 5, 6, 4];
    expect(codes(validate(machine, p), "CPU-CONTIGUOUS")).toEqual([]);
  });
});

describe("CPU-BOOT-CORE", () => {
  it("reports OS1 without the lowest LAPIC ID", () => {
    const p = profile(inst("os1", [2, 3], [["0x0", "2G"]]), inst("os2", [0, 1], [["4G", "4G"]]));
    const [d] = codes(validate(machine, p), "CPU-BOOT-CORE");
    expect(d).toMatchObject({ instance: "os1", subject: { cpus: [0] } });
    expect(d!.message).toContain("os2");
  });
});

describe("CPU-MAXCPUS-ORDER", () => {
  it("warns when Linux numbers cores out of LAPIC order (interleaved sockets)", () => {
    const m = makeMachine({ sockets: 2, coresPerSocket: 2 });
    // Linux numbers the sockets interleaved: cpu0 = LAPIC 0, cpu1 = LAPIC 2, ...
    const order = [0, 2, 1, 3];
    m.cpus.forEach((c) => (c.cpu = order.indexOf(c.apicId)));
    const p = profile(inst("os1", [0, 1], [["0x0", "2G"]]), inst("os2", [2, 3], [["4G", "4G"]]));
    const [d] = codes(validate(m, p), "CPU-MAXCPUS-ORDER");
    expect(d).toMatchObject({ severity: "warning", subject: { cpus: [2] } });
    expect(
      codes(validate(makeMachine({ sockets: 2, coresPerSocket: 2 }), p), "CPU-MAXCPUS-ORDER"),
    ).toEqual([]);
  });
});

describe("CPU-ONLINE", () => {
  it("reports a successor's cores that are online in OS1 (live facts)", () => {
    const d = codes(validate(machine, base(), { onlineCpus: [0, 1, 3] }), "CPU-ONLINE");
    expect(d).toHaveLength(1);
    expect(d[0]!.hint).toContain("/sys/devices/system/cpu/cpu3/online");
    expect(codes(validate(machine, base(), { onlineCpus: [0, 1] }), "CPU-ONLINE")).toEqual([]);
  });
});

describe("CPU-SMT-SPLIT", () => {
  it("warns when siblings of one physical core go to two instances", () => {
    const smt = makeMachine({ coresPerSocket: 4, threads: 2 }); // 0,1 | 2,3 | ...
    const split = profile(
      inst("os1", [0, 1, 2], [["0x0", "2G"]]),
      inst("os2", [3, 4, 5], [["4G", "4G"]]),
    );
    const [d] = codes(validate(smt, split), "CPU-SMT-SPLIT");
    expect(d).toMatchObject({ severity: "warning", instance: "os2", subject: { cpus: [3, 2] } });
    const whole = profile(
      inst("os1", [0, 1], [["0x0", "2G"]]),
      inst("os2", [2, 3], [["4G", "4G"]]),
    );
    expect(codes(validate(smt, whole), "CPU-SMT-SPLIT")).toEqual([]);
  });
});

describe("CPU-HYBRID", () => {
  it("warns when an instance mixes P-cores and E-cores", () => {
    const hybrid = makeMachine({
      coresPerSocket: 8,
      coreType: (_s, c) => (c < 4 ? "performance" : "efficiency"),
    });
    const p = profile(inst("os1", [0, 1, 2], [["0x0", "2G"]]), inst("os2", [3, 4], [["4G", "4G"]]));
    expect(codes(validate(hybrid, p), "CPU-HYBRID")[0]).toMatchObject({
      instance: "os2",
      subject: { cpus: [4] },
    });
    const ok = profile(
      inst("os1", [0, 1, 2, 3], [["0x0", "2G"]]),
      inst("os2", [4, 5], [["4G", "4G"]]),
    );
    expect(codes(validate(hybrid, ok), "CPU-HYBRID")).toEqual([]);
  });
});

describe("CPU-NUMA", () => {
  // node 0: cores 0-3 and RAM below 11 GiB; node 1: cores 4-7 and RAM from 11 to 18 GiB
  const numa = makeMachine({ sockets: 2, coresPerSocket: 4 });
  const os1 = () => inst("os1", [0, 1], [["0x0", "2G"]]);
  const numaOf = (p: Profile) => codes(validate(numa, p), "CPU-NUMA");

  it("says every access crosses when no core shares a node with any of the memory", () => {
    const [d, ...rest] = numaOf(profile(os1(), inst("os2", [4, 5], [["4G", "4G"]])));
    expect(rest).toEqual([]);
    expect(d).toMatchObject({
      instance: "os2",
      message:
        "os2 has cores 4-5 on node 1; its memory is 4 GiB on node 0: every access crosses the interconnect.",
      hint: "Take memory from node 1, or cores from node 0.",
    });
  });

  it("names the cores whose node holds none of the memory, not every node of the instance", () => {
    const p = profile(os1(), inst("os2", [2, 3, 4, 5], [["12G", "4G"]]));
    const [d, ...rest] = numaOf(p);
    expect(rest).toEqual([]);
    expect(d!.message).toBe(
      "os2 has cores 2-3 on node 0 and cores 4-5 on node 1; its memory is 4 GiB on node 1: cores 2-3 reach all of it across the interconnect.",
    );
    expect(d!.hint).toBe("Add memory from node 0, or trade cores 2-3 for cores on node 1.");
  });

  it("names the memory on a node without cores, with its size", () => {
    const [d, ...rest] = numaOf(profile(os1(), inst("os2", [4, 5], [["10G", "2G"]])));
    expect(rest).toEqual([]);
    expect(d!.message).toBe(
      "os2 has cores 4-5 on node 1; its memory is 1 GiB on node 0 and 1 GiB on node 1: the 1 GiB on node 0 is remote to every one of its cores.",
    );
    expect(d!.hint).toBe("Move the memory on node 0 to node 1, or add cores from node 0.");
  });

  it("is quiet when every node with cores has memory and every node with memory has cores", () => {
    expect(numaOf(profile(os1(), inst("os2", [4, 5], [["12G", "4G"]])))).toEqual([]);
    expect(numaOf(profile(os1(), inst("os2", [2, 3, 4, 5], [["10G", "2G"]])))).toEqual([]);
  });
});

describe("MEM-NONE", () => {
  it("reports a successor without memory and offers the largest free range", () => {
    const p = base();
    p.instances[2]!.memory = [];
    const [d] = codes(validate(machine, p), "MEM-NONE");
    expect(d!.hint).toBe("Give it memory, e.g. the free range 0x200000000-0x47fffffff (10 GiB).");
  });
});

describe("MEM-NOT-USABLE", () => {
  it("reports the bytes of a successor range that are not usable RAM, by e820 type", () => {
    const p = base();
    p.instances[1]!.memory = [{ start: q("0x7fe00000"), size: q("4M") }];
    p.instances[0]!.memory = [{ start: 0n, size: q("0x7fe00000") }];
    const [d] = codes(validate(machine, p), "MEM-NOT-USABLE");
    expect(d!.message).toContain(
      "0x7ff00000-0x7fffffff (1 MiB) is acpi; 0x80000000-0x801fffff (2 MiB) is a hole",
    );
    expect(d!.subject?.ranges).toEqual([{ start: q("0x7ff00000"), size: q("3M") }]);
  });
  it("names a hole and the I/O APIC window", () => {
    const p = base();
    p.instances[1]!.memory = [{ start: q("0xfec00000"), size: q("2M") }];
    const [d] = codes(validate(machine, p), "MEM-NOT-USABLE");
    expect(d!.message).toContain("I/O APIC");
  });
});

describe("MEM-OVERLAP", () => {
  it("reports two successors sharing bytes, with the shared range", () => {
    const p = base();
    p.instances[2]!.memory = [{ start: q("6G"), size: q("4G") }];
    const [d] = codes(validate(machine, p), "MEM-OVERLAP");
    expect(d).toMatchObject({
      instance: "os3",
      subject: { ranges: [{ start: q("6G"), size: q("2G") }] },
    });
  });
  it("reports a successor range inside OS1's mem= range", () => {
    const p = base();
    p.instances[0]!.memory = [{ start: 0n, size: q("6G") }];
    expect(codes(validate(machine, p), "MEM-OVERLAP")[0]?.message).toContain("inside OS1's memory");
  });
  it("reports overlapping explicit low slices", () => {
    const p = base();
    p.instances[1]!.lowMemory = { start: q("0x80000"), size: q("64K") };
    p.instances[2]!.lowMemory = { start: q("0x88000"), size: q("32K") };
    expect(codes(validate(machine, p), "MEM-OVERLAP")[0]?.path).toBe("instances[2].lowMemory");
  });
});

describe("MEM-ALIGN", () => {
  it("reports a range not on 4 KiB", () => {
    const p = base();
    p.instances[1]!.memory = [{ start: q("4G"), size: q("0x100000001") }];
    expect(codes(validate(machine, p), "MEM-ALIGN")[0]?.path).toBe("instances[1].memory[0].size");
  });
  it("reports a successor main range off the kernel alignment (2 MiB default, header when known)", () => {
    const p = base();
    p.instances[1]!.memory = [{ start: q("0x100100000"), size: q("1G") }];
    expect(codes(validate(machine, p), "MEM-ALIGN")[0]?.hint).toContain("0x100200000");
    p.instances[1]!.kernel = "/k";
    const facts = {
      kernels: {
        "/k": {
          initSize: q("64M"),
          kernelAlignment: q("1M"),
          cmdlineSize: 2048,
          relocatable: true,
          protocol: 0x20f,
        },
      },
    };
    expect(codes(validate(machine, p, facts), "MEM-ALIGN")).toEqual([]);
  });
});

describe("MEM-OS1-START", () => {
  it("reports OS1 memory that does not start at 0 or is split", () => {
    const p = base();
    p.instances[0]!.memory = [{ start: q("1M"), size: q("2G") }];
    expect(codes(validate(machine, p), "MEM-OS1-START")).toHaveLength(1);
    p.instances[0]!.memory = [
      { start: 0n, size: q("1G") },
      { start: q("1G"), size: q("512M") },
    ];
    expect(codes(validate(machine, p), "MEM-OS1-START")[0]?.hint).toContain("0x60000000");
  });
  it("accepts firmware holes inside OS1's range", () => {
    const p = base();
    p.instances[0]!.memory = [{ start: 0n, size: q("4G") }]; // spans the PCI hole
    expect(hasErrors(validate(machine, p))).toBe(false);
  });
});

describe("MEM-LOW-SLICE", () => {
  it("rejects a slice too small, above 1 MiB, under 64 KiB or in reserved memory", () => {
    const cases: [string, string, string][] = [
      ["0x80000", "16K", "smaller than 32 KiB"],
      ["0xf8000", "64K", "above 1 MiB"],
      ["0x8000", "32K", "below 64 KiB"],
      ["0x9f000", "32K", "not all usable"],
    ];
    for (const [start, size, why] of cases) {
      const p = base();
      p.instances[1]!.lowMemory = { start: q(start), size: q(size) };
      expect(codes(validate(machine, p), "MEM-LOW-SLICE")[0]?.message, start).toContain(why);
    }
  });
  it("says how many instances low memory holds when it runs out", () => {
    const p = profile(inst("os1", [0], [["0x0", "2G"]]));
    for (let i = 1; i < 8; i++) p.instances.push(inst(`os${i + 1}`, [i], [[`${4 + i}G`, "512M"]]));
    // 0x10000-0x9fc00 holds 8 slots of 64 KiB; OS1 keeps one: 7 successors.
    expect(codes(validate(machine, p), "MEM-LOW-SLICE")).toEqual([]);
    const big = makeMachine({ coresPerSocket: 16 });
    p.instances.push(inst("os9", [8], [["13G", "512M"]]));
    const [d] = codes(validate(big, p), "MEM-LOW-SLICE");
    expect(d!.instance).toBe("os9");
    expect(d!.message).toContain("holds 7 successors with 64 KiB slices (8 instances in all)");
    expect(d!.hint).toContain("32 KiB");
  });
  it("accepts explicit 32 KiB slices (the verified minimum)", () => {
    const p = base();
    p.instances[1]!.lowMemory = { start: q("0x88000"), size: q("32K") };
    p.instances[2]!.lowMemory = { start: q("0x80000"), size: q("32K") };
    expect(hasErrors(validate(machine, p))).toBe(false);
  });
});

describe("MEM-TOO-SMALL", () => {
  it("uses 128 MiB when the kernel is not known", () => {
    const p = base();
    p.instances[1]!.memory = [{ start: q("4G"), size: q("64M") }];
    expect(codes(validate(machine, p), "MEM-TOO-SMALL")[0]?.message).toContain("at least 128 MiB");
  });
  it("uses init_size + initrd + 64 MiB when known", () => {
    const p = base();
    p.instances[1]!.memory = [{ start: q("4G"), size: q("160M") }];
    p.instances[1]!.kernel = "/k";
    p.instances[1]!.initrd = "/i";
    const facts = {
      kernels: {
        "/k": {
          initSize: q("0x3f98000"),
          kernelAlignment: q("2M"),
          cmdlineSize: 2048,
          relocatable: true,
          protocol: 0x20f,
        },
      },
      fileSizes: { "/i": q("40M") },
    };
    const [d] = codes(validate(machine, p, facts), "MEM-TOO-SMALL");
    expect(d!.message).toContain("needs 63.5 MiB (init_size) + 40 MiB initrd + 64 MiB");
    p.instances[1]!.memory = [{ start: q("4G"), size: q("168M") }];
    expect(codes(validate(machine, p, facts), "MEM-TOO-SMALL")).toEqual([]);
  });
});

const devMachine = makeMachine({
  coresPerSocket: 8,
  devices: [
    pci("0000:00:1f.2", { irq: { msi: true, msix: false, pin: "A", line: 16 }, iommuGroup: 1 }),
    pci("0000:00:1d.0", { irq: { msi: false, msix: false, pin: "A", line: 16 }, iommuGroup: 2 }),
    pci("0000:00:1d.1", { irq: { msi: false, msix: false, pin: "B", line: 17 }, iommuGroup: 2 }),
    pci("0000:00:1a.0", { irq: { msi: false, msix: false, pin: "A", line: 16 }, iommuGroup: 3 }),
    pci("0000:01:00.0", { vendor: 0x144d, device: 0xa808 }),
    pci("0000:02:00.0", { vendor: 0x144d, device: 0xa808 }),
    pci("0000:00:00.0", { class: 0x060000 }),
    { id: "serial@0x3f8", bus: "legacy", kind: "serial", ioPort: 0x3f8, irq: 4 },
    { id: "serial@0x3e8", bus: "legacy", kind: "serial", ioPort: 0x3e8, irq: 4 },
    { id: "ps2-keyboard", bus: "legacy", kind: "ps2-keyboard", irq: 1 },
  ],
});

describe("DEV-UNKNOWN", () => {
  it("reports an id the machine lacks and suggests the domain-qualified one", () => {
    const p = base();
    p.instances[1]!.devices = ["01:00.0"];
    const [d] = codes(validate(devMachine, p), "DEV-UNKNOWN");
    expect(d).toMatchObject({ path: "instances[1].devices[0]" });
    expect(d!.hint).toContain("0000:01:00.0");
  });
});

describe("DEV-SHARED", () => {
  it("reports a device in two instances", () => {
    const p = base();
    p.instances[1]!.devices = ["0000:01:00.0"];
    p.instances[2]!.devices = ["0000:01:00.0"];
    expect(codes(validate(devMachine, p), "DEV-SHARED")[0]).toMatchObject({ instance: "os3" });
  });
});

describe("DEV-IRQ-SHARED", () => {
  it("reports INTx devices on one I/O APIC line in two instances", () => {
    const p = base();
    p.instances[0]!.devices = ["0000:00:1d.0"];
    p.instances[1]!.devices = ["0000:00:1a.0"];
    const [d] = codes(validate(devMachine, p), "DEV-IRQ-SHARED");
    expect(d!.message).toContain("line 16");
  });
  it("ignores a device on MSI that shares the line", () => {
    const p = base();
    p.instances[0]!.devices = ["0000:00:1d.0"];
    p.instances[1]!.devices = ["0000:00:1f.2"];
    expect(codes(validate(devMachine, p), "DEV-IRQ-SHARED")).toEqual([]);
  });
  it("applies to legacy ports on one ISA IRQ (COM1 and COM3)", () => {
    const p = base();
    p.instances[1]!.devices = ["serial@0x3f8"];
    p.instances[2]!.devices = ["serial@0x3e8"];
    expect(codes(validate(devMachine, p), "DEV-IRQ-SHARED")).toHaveLength(1);
  });
});

describe("DEV-INTX", () => {
  it("warns about a successor's device without MSI/MSI-X, not OS1's", () => {
    const p = base();
    p.instances[0]!.devices = ["0000:00:1a.0"];
    p.instances[1]!.devices = ["0000:00:1d.1", "0000:00:1f.2"];
    const d = codes(validate(devMachine, p), "DEV-INTX");
    expect(d.map((x) => x.path)).toEqual(["instances[1].devices[0]"]);
    expect(d[0]!.severity).toBe("warning");
  });
});

describe("DEV-MSI-UNKNOWN", () => {
  // Read without root: config space stops at 64 bytes, so MSI/MSI-X are unknown (null).
  const m = makeMachine({
    coresPerSocket: 8,
    devices: [
      pci("0000:00:1d.0", { irq: { msi: false, msix: false, pin: "A", line: 16 } }),
      pci("0000:00:1a.0", { irq: { msi: null, msix: null, pin: "A", line: 16 } }),
      pci("0000:00:1b.0", { irq: { msi: null, msix: null, pin: null, line: null } }),
      pci("0000:00:1c.0", { irq: { msi: true, msix: null, pin: "A", line: 16 } }),
    ],
  });
  it("says a device of unknown MSI support cannot be checked, instead of calling it INTx or MSI", () => {
    const p = base();
    p.instances[0]!.devices = ["0000:00:1d.0"];
    p.instances[1]!.devices = ["0000:00:1a.0", "0000:00:1b.0", "0000:00:1c.0"];
    const d = validate(m, p);
    const unknown = codes(d, "DEV-MSI-UNKNOWN");
    expect(unknown.map((x) => x.path)).toEqual(["instances[1].devices[0]"]);
    expect(unknown[0]).toMatchObject({
      severity: "warning",
      subject: { devices: ["0000:00:1a.0"] },
    });
    expect(unknown[0]!.message).toContain("I/O APIC line 16 cannot be told");
    // Neither a line conflict with OS1's INTx device nor an INTx warning is claimed.
    expect(codes(d, "DEV-IRQ-SHARED")).toEqual([]);
    expect(codes(d, "DEV-INTX")).toEqual([]);
  });
});

describe("DEV-IOMMU-SPLIT", () => {
  it("warns when one IOMMU group is split", () => {
    const p = base();
    p.instances[1]!.devices = ["0000:00:1d.0"];
    p.instances[2]!.devices = ["0000:00:1d.1"];
    expect(codes(validate(devMachine, p), "DEV-IOMMU-SPLIT")[0]?.message).toContain(
      "IOMMU group 2",
    );
  });
});

describe("DEV-STOCK-AMBIGUOUS", () => {
  it("warns when two instances own devices of one vendor:device pair", () => {
    const p = base();
    p.instances[1]!.devices = ["0000:01:00.0"];
    p.instances[2]!.devices = ["0000:02:00.0"];
    const [d] = codes(validate(devMachine, p), "DEV-STOCK-AMBIGUOUS");
    expect(d!.message).toContain("144d:a808");
  });

  it("lists a device that two instances both list once, next to the other one", () => {
    const p = base();
    p.instances[1]!.devices = ["0000:01:00.0"];
    p.instances[2]!.devices = ["0000:02:00.0", "0000:01:00.0"];
    const d = validate(devMachine, p);
    expect(codes(d, "DEV-SHARED")).toHaveLength(1);
    const [stock, ...rest] = codes(d, "DEV-STOCK-AMBIGUOUS");
    expect(rest).toEqual([]);
    expect(stock!.message).toBe(
      "os2 and os3 each own a 144d:a808 device (0000:01:00.0, 0000:02:00.0): pci-stub.ids= names devices by vendor:device, so stock options cannot keep them apart; only the ownership option does.",
    );
    expect(stock!.subject).toEqual({ devices: ["0000:01:00.0", "0000:02:00.0"] });
  });

  it("leaves one device in two instances to DEV-SHARED: it is not two identical devices", () => {
    const p = base();
    p.instances[1]!.devices = ["0000:01:00.0"];
    p.instances[2]!.devices = ["0000:01:00.0"];
    const d = validate(devMachine, p);
    expect(codes(d, "DEV-SHARED")).toHaveLength(1);
    expect(codes(d, "DEV-STOCK-AMBIGUOUS")).toEqual([]);
  });
});

describe("DEV-UNASSIGNED", () => {
  it("lists devices no instance owns in one info, bridges left out", () => {
    const p = base();
    const d = codes(validate(devMachine, p), "DEV-UNASSIGNED");
    expect(d).toHaveLength(1);
    expect(d[0]!.severity).toBe("info");
    expect(d[0]!.subject?.devices).not.toContain("0000:00:00.0");
    expect(d[0]!.subject?.devices).toHaveLength(9);
  });
});

describe("CMDLINE-RESERVED", () => {
  it("reports options Tessera writes itself", () => {
    const p = base();
    p.instances[1]!.cmdline = "console=ttyS0 mem=1G nokaslr tessera.devices=x quiet";
    const d = codes(validate(machine, p), "CMDLINE-RESERVED");
    expect(d.map((x) => x.message.split(" sets ")[1]?.split(",")[0])).toEqual([
      "mem=1G",
      "nokaslr",
      "tessera.devices=x",
    ]);
  });
});

describe("CMDLINE-TOO-LONG", () => {
  it("measures the planned line against 2048 or the kernel's cmdline_size", () => {
    const p = base();
    p.instances[1]!.cmdline = "x".repeat(2000);
    expect(codes(validate(machine, p), "CMDLINE-TOO-LONG")).toHaveLength(1);
    p.instances[1]!.cmdline = "x".repeat(1500);
    expect(codes(validate(machine, p), "CMDLINE-TOO-LONG")).toEqual([]);
    p.instances[1]!.kernel = "/k";
    const facts = {
      kernels: {
        "/k": {
          initSize: q("64M"),
          kernelAlignment: q("2M"),
          cmdlineSize: 1024,
          relocatable: true,
          protocol: 0x20f,
        },
      },
    };
    expect(codes(validate(machine, p, facts), "CMDLINE-TOO-LONG")[0]?.message).toContain(
      "at most 1023",
    );
  });
});

describe("KERNEL-UNUSABLE", () => {
  it("reports a kernel the image reader rejected (live facts)", () => {
    const p = base();
    p.instances[1]!.kernel = "/boot/vmlinux";
    const d = validate(machine, p, {
      kernelProblems: { "/boot/vmlinux": "it is an ELF vmlinux, not a bzImage" },
    });
    expect(codes(d, "KERNEL-UNUSABLE")[0]?.message).toContain("ELF vmlinux");
  });
});

describe("FILE-MISSING", () => {
  it("reports a kernel or initrd that does not exist (live facts)", () => {
    const p = base();
    p.instances[2]!.initrd = "/boot/none.img";
    expect(
      codes(validate(machine, p, { missingFiles: ["/boot/none.img"] }), "FILE-MISSING")[0]?.path,
    ).toBe("instances[2].initrd");
  });
});

describe("INSTANCE-LOCKED", () => {
  const held = () => [{ name: "os2", instance: base().instances[1]! }];

  it("refuses a version that drops or changes an instance that may be running", () => {
    const dropped = base();
    dropped.instances.splice(1, 1);
    expect(conflictsWith(held(), dropped).map((d) => [d.code, d.path])).toEqual([
      ["INSTANCE-LOCKED", "instances"],
    ]);
    const changed = base();
    changed.instances[1]!.cpus = [2];
    expect(conflictsWith(held(), changed).map((d) => [d.code, d.path])).toEqual([
      ["INSTANCE-LOCKED", "instances[1]"],
    ]);
  });

  it("names the holder when another instance takes its cores, devices or memory", () => {
    const p = base();
    p.instances[2]!.cpus = [3, 4, 5, 6];
    p.instances[2]!.memory = [{ start: q("7G"), size: q("4G") }];
    const d = conflictsWith(held(), p);
    expect(d.map((x) => [x.code, x.path])).toEqual([
      ["CPU-SHARED", "instances[2].cpus"],
      ["MEM-OVERLAP", "instances[2].memory"],
    ]);
    expect(d[0]!.message).toContain("os2, which may be running");
    expect(d[0]!.subject).toEqual({ cpus: [3] });
  });

  it("accepts the same resources in a new version, and a start that takes nothing held", () => {
    const p = base();
    p.instances[2]!.cmdline = "quiet";
    expect(conflictsWith(held(), p)).toEqual([]);
    expect(startConflicts(held(), p, "os3")).toEqual([]);
    p.instances[2]!.cpus = [3, 4, 5, 6];
    expect(startConflicts(held(), p, "os3").map((x) => x.code)).toEqual(["CPU-SHARED"]);
    // An instance never conflicts with its own held resources (a restart).
    expect(startConflicts(held(), p, "os2")).toEqual([]);
  });
});

describe("PLAN-MISSING", () => {
  it("finds a successor of the plan and refuses OS1 or an unknown name", () => {
    const r = plan(machine, base());
    if (!r.ok) throw new Error("base layout must plan");
    const ok = successorOf(r.plan, "os3");
    expect(ok.ok && ok.plan.name).toBe("os3");
    for (const name of ["os1", "os9"]) {
      const miss = successorOf(r.plan, name);
      expect(miss.ok ? [] : miss.diagnostics.map((d) => [d.code, d.instance])).toEqual([
        ["PLAN-MISSING", name],
      ]);
    }
  });
});

describe("PROFILE-CONTROL-CHAR", () => {
  it("refuses a control character in a command line, a name or a path, naming where", () => {
    const p = base();
    p.name = "evil\tname";
    p.instances[0]!.cmdline = "quiet\nlinux /evil";
    p.instances[1]!.kernel = "/boot/vm\u0000linuz";
    p.instances[2]!.initrd = "/boot/initrd\r.img";
    p.instances[2]!.cmdline = "root=/dev/sda\u007f";
    const d = codes(validate(machine, p), "PROFILE-CONTROL-CHAR");
    expect(d.map((x) => x.path)).toEqual([
      "name",
      "instances[0].cmdline",
      "instances[1].kernel",
      "instances[2].cmdline",
      "instances[2].initrd",
    ]);
    expect(d[1]!.message).toContain("a newline (U+000A) at character 6");
    expect(d.every((x) => x.severity === "error")).toBe(true);
  });

  it("checks the GRUB entry's options (OS1's kernel and initrd given on the command line)", () => {
    const d = validate(machine, base(), {}, { os1Kernel: "/boot/vmlinuz\n}", os1Initrd: "/x" });
    expect(codes(d, "PROFILE-CONTROL-CHAR").map((x) => x.path)).toEqual(["os1Kernel"]);
  });

  it("accepts printable text, spaces and non-ASCII letters", () => {
    const p = base();
    p.name = "Übung 1";
    p.instances[0]!.cmdline = 'console=ttyS0,115200 quiet acpi_osi="Windows 2020"';
    expect(codes(validate(machine, p), "PROFILE-CONTROL-CHAR")).toEqual([]);
  });
});

describe("FILE-PATH-RELATIVE", () => {
  it("refuses a kernel or initrd path that is not absolute, OS1's included", () => {
    const p = base();
    p.instances[0]!.kernel = "vmlinuz";
    p.instances[1]!.initrd = "../initrd.img";
    p.instances[2]!.kernel = "/boot/vmlinuz";
    const d = codes(validate(machine, p), "FILE-PATH-RELATIVE");
    expect(d.map((x) => x.path)).toEqual(["instances[0].kernel", "instances[1].initrd"]);
    expect(d[0]!.message).toContain('"vmlinuz"');
  });
});

describe("OS1-ROOT-FIELD", () => {
  it("refuses a root field on a successor, one with spaces, and a second root= in OS1's command line", () => {
    const p = base();
    p.instances[0]!.root = "/dev/sda2 init=/bin/sh";
    p.instances[0]!.cmdline = "quiet root=/dev/sdb1";
    p.instances[1]!.root = "/dev/sdc1";
    const d = codes(validate(machine, p), "OS1-ROOT-FIELD");
    expect(d.map((x) => x.path)).toEqual([
      "instances[0].root",
      "instances[0].root",
      "instances[1].root",
    ]);
    expect(d[0]!.message).toContain("more than one word");
    expect(d[1]!.message).toContain(
      '"/dev/sda2 init=/bin/sh" in the root field and root=/dev/sdb1',
    );
    expect(d[2]!.hint).toBe(
      "Put root=/dev/sdc1 in os2's command line instead, and clear the root field.",
    );
  });

  it("accepts one root value on OS1, and the running OS1's only as one word", () => {
    const p = base();
    p.instances[0]!.root = "UUID=0a1b-2c3d";
    expect(codes(validate(machine, p), "OS1-ROOT-FIELD")).toEqual([]);
    delete p.instances[0]!.root;
    const d = codes(validate(machine, p, {}, { os1Root: "/dev/sda2 quiet" }), "OS1-ROOT-FIELD");
    expect(d.map((x) => x.path)).toEqual(["os1Root"]);
  });
});

describe("OS1-BOOT-UNKNOWN", () => {
  it("writes no GRUB entry, and no placeholder, while OS1's kernel or root is unknown", () => {
    const p = base();
    const r = plan(machine, p);
    if (!r.ok) throw new Error("plan refused");
    expect(r.plan.os1.grubEntry).toBeNull();
    const d = codes(r.plan.diagnostics, "OS1-BOOT-UNKNOWN");
    expect(d).toHaveLength(1);
    expect(d[0]!.path).toBe("instances[0].kernel");
    expect(d[0]!.message).toBe(
      "os1's kernel and root are not set in the profile and not known from the running OS1, so no GRUB entry can be written for it.",
    );
    const rootOnly = plan(machine, p, {}, { os1Kernel: "/boot/vmlinuz-6.1" });
    if (!rootOnly.ok) throw new Error("plan refused");
    expect(rootOnly.plan.os1.grubEntry).toBeNull();
    expect(codes(rootOnly.plan.diagnostics, "OS1-BOOT-UNKNOWN")[0]!.path).toBe("instances[0].root");
  });

  it("takes the running OS1's kernel, initrd and root where the profile is empty, the profile's first", () => {
    const p = base();
    const o = {
      os1Kernel: "/boot/vmlinuz-6.1",
      os1Initrd: "/boot/initrd.img-6.1",
      os1Root: "UUID=ab",
    };
    let r = plan(machine, p, {}, o);
    if (!r.ok) throw new Error("plan refused");
    expect(codes(r.plan.diagnostics, "OS1-BOOT-UNKNOWN")).toEqual([]);
    expect(r.plan.os1.grubEntry).toContain("\tlinux\t'/boot/vmlinuz-6.1' 'root=UUID=ab' 'maxcpus=");
    expect(r.plan.os1.grubEntry).toContain("\tinitrd\t'/boot/initrd.img-6.1'");
    p.instances[0]!.kernel = "/boot/vmlinuz-6.9";
    p.instances[0]!.root = "/dev/sda2";
    r = plan(machine, p, {}, o);
    if (!r.ok) throw new Error("plan refused");
    expect(r.plan.os1).toMatchObject({ kernel: "/boot/vmlinuz-6.9", root: "/dev/sda2" });
    expect(r.plan.os1.cmdline.startsWith("root=/dev/sda2 maxcpus=")).toBe(true);
    // root= already in OS1's own command line (profiles from before the root field) stays the one.
    delete p.instances[0]!.root;
    p.instances[0]!.cmdline = "root=/dev/sdb1 quiet";
    r = plan(machine, p, {}, o);
    if (!r.ok) throw new Error("plan refused");
    expect(r.plan.os1.root).toBe("/dev/sdb1");
    expect(r.plan.os1.cmdline.match(/root=/g)).toHaveLength(1);
  });
});

describe("OS1-INITRD-NONE", () => {
  it("says the entry has no initrd line when none is known", () => {
    const p = base();
    const r = plan(machine, p, {}, { os1Kernel: "/boot/vmlinuz-6.1", os1Root: "/dev/sda2" });
    if (!r.ok) throw new Error("plan refused");
    expect(codes(r.plan.diagnostics, "OS1-INITRD-NONE").map((d) => d.path)).toEqual([
      "instances[0].initrd",
    ]);
    expect(r.plan.os1.grubEntry).not.toContain("initrd");
  });
});

describe("FILE-NOT-ALLOWED", () => {
  it("reports a path outside the agent's directories with one message, and nothing else about it", () => {
    const p = base();
    p.instances[1]!.kernel = "/etc/shadow";
    p.instances[2]!.initrd = "/tmp/x.img";
    const d = validate(machine, p, {
      deniedFiles: ["/etc/shadow", "/tmp/x.img"],
      fileDirs: ["/boot", "/var/lib/tessera/kernels"],
    });
    const found = codes(d, "FILE-NOT-ALLOWED");
    expect(found.map((x) => x.path)).toEqual(["instances[1].kernel", "instances[2].initrd"]);
    expect(found[0]!.message).toBe(
      "os2's kernel /etc/shadow is not in a directory this agent reads kernels and initrds from.",
    );
    expect(found[0]!.hint).toContain("/boot or /var/lib/tessera/kernels");
    expect(codes(d, "FILE-MISSING")).toEqual([]);
  });
});

describe("OS1's kernel and initrd", () => {
  it("are checked like a successor's: missing, or not a kernel image", () => {
    const p = base();
    p.instances[0]!.kernel = "/boot/vmlinux";
    p.instances[0]!.initrd = "/boot/gone.img";
    const d = validate(machine, p, {
      missingFiles: ["/boot/gone.img"],
      kernelProblems: { "/boot/vmlinux": "it is an ELF vmlinux, not a bzImage" },
    });
    expect(codes(d, "FILE-MISSING").map((x) => x.path)).toEqual(["instances[0].initrd"]);
    expect(codes(d, "KERNEL-UNUSABLE").map((x) => x.path)).toEqual(["instances[0].kernel"]);
  });
});

describe("every finding, not the first", () => {
  it("reports problems in several instances and resources at once, errors first", () => {
    const p = base();
    p.instances[1]!.cpus = [2, 99];
    p.instances[2]!.memory = [{ start: q("0xfec00000"), size: q("2M") }];
    p.instances[2]!.devices = ["nope"];
    const d = validate(devMachine, p);
    expect(new Set(d.map((x) => x.code))).toEqual(
      new Set(["CPU-UNKNOWN", "MEM-NOT-USABLE", "MEM-TOO-SMALL", "DEV-UNKNOWN", "DEV-UNASSIGNED"]),
    );
    const sev = d.map((x) => x.severity);
    expect(sev.indexOf("info")).toBeGreaterThan(sev.lastIndexOf("error"));
  });
});
