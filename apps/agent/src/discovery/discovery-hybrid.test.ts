// Hybrid parts: Linux exposes P-cores and E-cores as the cpu_core and cpu_atom PMU devices.
// No real hybrid capture is at hand, so the real QEMU capture gets the two files a hybrid
// kernel would add (the only synthetic part, named as such) and discovery must type the cores,
// capture must pack the files, and core's validator must see the mix.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { validate, type Profile } from "@tessera/core";
import { discoverMachine } from "./index";
import { captureMachine } from "../capture/index";
import { QEMU_TREE } from "../../test/fixture-paths";

const root = mkdtempSync(join(tmpdir(), "tessera-hybrid-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
cpSync(QEMU_TREE, root, { recursive: true });
for (const [pmu, cpus] of [
  ["cpu_core", "0-3"],
  ["cpu_atom", "4-7"],
]) {
  mkdirSync(join(root, "sys/devices", pmu!), { recursive: true });
  writeFileSync(join(root, "sys/devices", pmu!, "cpus"), `${cpus}\n`);
}

describe("hybrid core types", () => {
  it("types Linux CPUs 0-3 as P-cores and 4-7 as E-cores from cpu_core/cpu_atom", async () => {
    const { machine } = await discoverMachine({ root });
    const byCpu = new Map(machine.cpus.map((c) => [c.cpu, c.coreType]));
    expect([0, 1, 2, 3].map((n) => byCpu.get(n))).toEqual(Array(4).fill("performance"));
    expect([4, 5, 6, 7].map((n) => byCpu.get(n))).toEqual(Array(4).fill("efficiency"));
  });

  it("leaves coreType null on the same machine without the PMU files", async () => {
    const { machine } = await discoverMachine({ root: QEMU_TREE });
    expect(machine.cpus.every((c) => c.coreType === null)).toBe(true);
  });

  it("packs the PMU files in a capture, and core warns about an instance mixing the types", async () => {
    const { files, machine } = await captureMachine({ root }).then(async (c) => ({
      files: c.files,
      machine: (await discoverMachine({ root })).machine,
    }));
    expect(files).toEqual(
      expect.arrayContaining(["/sys/devices/cpu_core/cpus", "/sys/devices/cpu_atom/cpus"]),
    );
    const apic = (n: number) => machine.cpus.find((c) => c.cpu === n)!.apicId;
    const sorted = machine.cpus.map((c) => c.apicId).sort((a, b) => a - b);
    const os1 = sorted.slice(0, 2);
    const mixed = sorted.slice(2);
    const profile: Profile = {
      schema: "tessera/profile@1",
      name: "hybrid",
      instances: [
        { name: "os1", cpus: os1, memory: [{ start: 0n, size: 0x20000000n }], devices: [] },
        {
          name: "os2",
          cpus: mixed,
          memory: [{ start: 0x40000000n, size: 0x10000000n }],
          devices: [],
        },
      ],
    };
    const mixes =
      [...mixed].some(
        (a) => machine.cpus.find((c) => c.apicId === a)!.coreType === "performance",
      ) && mixed.some((a) => machine.cpus.find((c) => c.apicId === a)!.coreType === "efficiency");
    expect(mixes, `cpu 0 is LAPIC ${apic(0)}`).toBe(true);
    expect(validate(machine, profile).map((d) => d.code)).toContain("CPU-HYBRID");
  });
});
