import { describe, expect, it } from "vitest";
import { hardwareDrift } from "./drift";
import { inst, makeMachine, pci, profile } from "./test-support";
import { q } from "./units";

const machine = makeMachine({ coresPerSocket: 8, devices: [pci("0000:01:00.0")] });

describe("hardwareDrift", () => {
  it("is empty for a profile made for this machine, OS1's range across firmware holes included", () => {
    const p = profile(
      inst("os1", [0, 1], [["0x0", "2G"]]),
      inst("os2", [2, 3], [["4G", "4G"]], { devices: ["0000:01:00.0"] }),
    );
    expect(hardwareDrift(machine, p)).toEqual([]);
  });

  it("lists missing cores, devices and memory without usable RAM, per instance in order", () => {
    const p = profile(
      inst("os1", [0, 1], [["0x0", "2G"]]),
      inst(
        "os2",
        [2, 3, 99],
        [
          ["4G", "4G"],
          ["0xfec00000", "4K"],
        ],
        {
          devices: ["0000:01:00.0", "0000:09:00.0"],
        },
      ),
    );
    expect(hardwareDrift(machine, p)).toEqual([
      { instance: "os2", kind: "cpus", cpus: [99], message: "os2: cores with LAPIC ID 99" },
      {
        instance: "os2",
        kind: "device",
        device: "0000:09:00.0",
        message: "os2: device 0000:09:00.0",
      },
      {
        instance: "os2",
        kind: "memory",
        range: { start: q("0xfec00000"), size: q("4K") },
        message: "os2: memory 0xfec00000+0x1000 is not usable RAM here",
      },
    ]);
  });
});
