// The host checks on this machine's real /proc and /sys, and on crafted texts for the cases a
// real OS1 cannot be put into here.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { collectFailure, directSuccessor } from "../../test/direct-fixture";
import { checkOs1Options, checkReserved, onlineApicIds, parseIomem } from "./host-checks";

describe("host checks", () => {
  it("reads the LAPIC IDs of this machine's online cores from the real /proc/cpuinfo and sysfs", async () => {
    const ids = await onlineApicIds({ procRoot: "/proc", sysRoot: "/sys" });
    const processors = readFileSync("/proc/cpuinfo", "utf8").match(/^processor\s*:/gm) ?? [];
    expect(ids).toHaveLength(processors.length);
    expect(ids.every((i) => Number.isInteger(i) && i >= 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("parses the real /proc/iomem with its nesting", () => {
    const entries = parseIomem(readFileSync("/proc/iomem", "utf8"));
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.some((e) => e.depth > 0)).toBe(true);
    for (const e of entries) expect(e.end >= e.start).toBe(true);
  });

  it("names every missing OS1 option at once, and accepts any maxcpus value", async () => {
    const f = await collectFailure(() => checkOs1Options("ro quiet hpet=disable"));
    expect(f.code).toBe("LOADER-OS1-OPTION");
    expect(f.message).toMatch(/without iomem=relaxed, maxcpus=N:/);
    expect(() => checkOs1Options("maxcpus=3 iomem=relaxed hpet=disable")).not.toThrow();
    expect(() => checkOs1Options("maxcpus=x iomem=relaxed hpet=disable")).toThrow(/maxcpus=N/);
  });

  it("an /proc/iomem read without root (every address 0) is LOADER-EPERM, not a pass", async () => {
    const f = await collectFailure(() =>
      checkReserved(
        directSuccessor(),
        "00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n",
      ),
    );
    expect(f.code).toBe("LOADER-EPERM");
  });

  it("the MP table page must not be System RAM either", async () => {
    const iomem = "00000000-00000fff : System RAM\n00070000-0008ffff : Reserved\n";
    const f = await collectFailure(() => checkReserved(directSuccessor(), iomem));
    expect(f.code).toBe("LOADER-NOT-RESERVED");
    expect(f.message).toMatch(/the MP table page 0x0-0xfff/);
  });
});
