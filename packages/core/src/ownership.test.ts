// Device ownership (ownership.ts): ids the machine does not have are owned for DEV-SHARED and
// the PS/2 options, but never written into the ownership option the command line carries.
import { describe, expect, it } from "vitest";
import { createChecker } from "./incremental";
import { ownershipOf, ownerOf } from "./ownership";
import { plan } from "./plan";
import { validate } from "./validate";
import type { Facts } from "./model";
import { inst, makeMachine, pci, profile } from "./test-support";
import { MiB } from "./units";

const machine = makeMachine({
  sockets: 1,
  coresPerSocket: 4,
  devices: [pci("0000:00:02.0"), pci("0000:00:03.0", { device: 0x1533 })],
});
const base = (devices: string[]) =>
  profile(
    inst("os1", [0, 1], [["0x0", "2G"]], { kernel: "/boot/tight" }),
    inst("os2", [2, 3], [["4G", "1G"]], { devices, kernel: "/boot/tight" }),
  );
const tight = (cmdlineSize: number): Facts => ({
  kernels: {
    "/boot/tight": {
      initSize: 64n * MiB,
      kernelAlignment: 2n * MiB,
      cmdlineSize,
      relocatable: true,
      protocol: 0x020f,
    },
  },
});

describe("ownership", () => {
  it("leaves unknown ids out of the ownership option CMDLINE-TOO-LONG measures", () => {
    const known = plan(machine, base(["0000:00:02.0"]));
    if (!known.ok) throw new Error("the base profile must plan");
    // A buffer that holds os2's command line exactly: one byte more would not fit.
    const facts = tight(known.plan.successors[0]!.cmdline.length + 1);
    const withUnknown = base(["0000:00:02.0", "0000:99:00.0"]);
    const found = validate(machine, withUnknown, facts).map((d) => d.code);
    expect(found).toContain("DEV-UNKNOWN");
    expect(found).not.toContain("CMDLINE-TOO-LONG");
    // The same through the incremental check, after a drag that adds the unknown id.
    const checker = createChecker(machine, facts);
    checker.check(base(["0000:00:02.0"]));
    expect(checker.check(withUnknown).diagnostics).toEqual(validate(machine, withUnknown, facts));
  });

  it("owns unknown ids by first listing, as known ones", () => {
    const p = base(["0000:99:00.0", "0000:00:03.0"]);
    p.instances[0]!.devices = ["0000:99:00.0"];
    const own = ownershipOf(machine, p);
    expect(ownerOf(own, "0000:99:00.0")).toBe(0);
    expect(ownerOf(own, "0000:00:03.0")).toBe(1);
    expect(ownerOf(own, "0000:00:02.0")).toBeUndefined();
    expect(own.allKnown).toEqual([false, false]);
    expect([...own.pciOwners.keys()]).toEqual(["8086:1533"]);
  });
});
