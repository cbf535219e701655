import { describe, expect, it } from "vitest";
import { hostLayout, largestFreeRange, nextFreeCpuRun } from "./suggest";
import { validate } from "./validate";
import { plan } from "./plan";
import { diffProfiles } from "./diff";
import { inst, makeMachine, pci, profile } from "./test-support";
import { q } from "./units";

const m = makeMachine({ coresPerSocket: 8 });

describe("nextFreeCpuRun", () => {
  it("gives OS1 the run from the boot core, and a successor the first free run after its predecessor", () => {
    const p = profile(
      inst("os1", [], [["0x0", "2G"]]),
      inst("os2", [4, 5], [["4G", "1G"]]),
      inst("os3", [], []),
    );
    expect(nextFreeCpuRun(m, p, 0, 3)).toEqual([0, 1, 2]);
    expect(nextFreeCpuRun(m, p, 2, 2)).toEqual([6, 7]);
    expect(nextFreeCpuRun(m, p, 2, 3)).toEqual([0, 1, 2]);
    expect(nextFreeCpuRun(m, p, 2, 5)).toBeNull();
  });
});

describe("largestFreeRange", () => {
  it("finds the largest free usable range above OS1, 2 MiB aligned", () => {
    const p = profile(inst("os1", [0], [["0x0", "2G"]]), inst("os2", [1], [["6G", "1G"]]));
    // usable above 4 GiB: 4G-18G; os2 holds 6G-7G: the free pieces are 2 GiB and 11 GiB.
    expect(largestFreeRange(m, p)).toEqual({ start: q("7G"), size: q("11G") });
  });
  it("returns null when nothing is free", () => {
    const p = profile(inst("os1", [0], [["0x0", "2G"]]), inst("os2", [1], [["4G", "14G"]]));
    expect(largestFreeRange(m, p)).toBeNull();
  });
});

describe("diffProfiles", () => {
  it("lists what changed per instance in the operator's terms", () => {
    const a = profile(
      inst("os1", [0, 1], [["0x0", "2G"]]),
      inst("os2", [2, 3], [["4G", "1G"]], { devices: ["vga"] }),
      inst("os3", [4], [["8G", "1G"]]),
    );
    const b = profile(
      inst("os1", [0, 1], [["0x0", "2G"]]),
      inst("os2", [2, 3, 4], [["4G", "2G"]], { devices: ["serial@0x3f8"], cmdline: "quiet" }),
      inst("os4", [5], [["8G", "1G"]]),
    );
    expect(diffProfiles(a, b)).toEqual([
      { kind: "instance-removed", instance: "os3", position: 3 },
      { kind: "cpus", instance: "os2", added: [4], removed: [] },
      {
        kind: "memory",
        instance: "os2",
        added: ["0x100000000+0x80000000"],
        removed: ["0x100000000+0x40000000"],
      },
      { kind: "devices", instance: "os2", added: ["serial@0x3f8"], removed: ["vga"] },
      { kind: "option", instance: "os2", field: "cmdline", before: null, after: "quiet" },
      { kind: "instance-added", instance: "os4", position: 3 },
    ]);
    expect(diffProfiles(a, a)).toEqual([]);
  });
});

describe("hostLayout", () => {
  it("gives OS1 every core, all RAM from 0 and every device but bridges, and it plans", () => {
    const withDevices = makeMachine({
      coresPerSocket: 4,
      devices: [
        pci("0000:00:00.0", { class: 0x060000 }),
        pci("0000:01:00.0"),
        { id: "serial@0x3f8", bus: "legacy", kind: "serial", ioPort: 0x3f8, irq: 4 },
      ],
    });
    const p = hostLayout(withDevices);
    expect(p.instances).toHaveLength(1);
    expect(p.instances[0]).toMatchObject({
      name: "os1",
      cpus: [0, 1, 2, 3],
      memory: [{ start: 0n, size: q("18G") }],
      devices: ["0000:01:00.0", "serial@0x3f8"],
    });
    expect(validate(withDevices, p).filter((d) => d.severity !== "info")).toEqual([]);
    expect(plan(withDevices, p).ok).toBe(true);
  });
});
