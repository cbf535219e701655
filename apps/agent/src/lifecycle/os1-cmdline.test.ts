import { describe, expect, it } from "vitest";
import { compareCmdline } from "./os1-cmdline";

const planned = [
  "maxcpus=2",
  "mem=4G",
  "memmap=64K$0x70000",
  "memmap=64K$0x80000",
  "tessera.devices=0000:00:02.0",
];

describe("OS1's running command line against the plan", () => {
  it("says plainly when OS1 runs with other options", () => {
    const r = compareCmdline(
      "BOOT_IMAGE=/vmlinuz root=/dev/sda1 maxcpus=4 mem=4G memmap=64K$0x70000 memmap=64K$0x80000 tessera.devices=0000:00:02.0",
      planned,
      2,
    );
    expect(r.matches).toBe(false);
    expect(r.differences).toEqual([{ option: "maxcpus", running: ["4"], planned: ["2"] }]);
    expect(r.message).toBe(
      "OS1 runs with maxcpus=4, the profile gives it 2 cores: install OS1's Tessera boot entry and reboot OS1 into it.",
    );
  });

  it("reports missing options and every memmap reservation", () => {
    const r = compareCmdline("root=/dev/sda1 quiet", planned, 2);
    expect(r.matches).toBe(false);
    expect(r.differences.map((d) => d.option)).toEqual([
      "maxcpus",
      "mem",
      "memmap",
      "tessera.devices",
    ]);
    expect(r.message).toMatch(
      /^OS1 runs with no maxcpus, the profile gives it 2 cores: install OS1's Tessera boot entry and reboot OS1 into it\. \(4 options differ\.\)$/,
    );
  });

  it("matches when every planned option is there, in any order, with other options around", () => {
    const r = compareCmdline(
      "quiet memmap=64K$0x80000 maxcpus=2 root=/dev/sda1 memmap=64K$0x70000 mem=4G tessera.devices=0000:00:02.0",
      planned,
      2,
    );
    expect(r.matches).toBe(true);
    expect(r.message).toBe("OS1 runs with the options the active profile plans for it.");
  });
});
