import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import {
  machineToJson,
  parseMachine,
  parseProfile,
  profileToJson,
  formatParseErrors,
} from "./codec";
import type { Profile } from "./model";

const example = (f: string) =>
  JSON.parse(readFileSync(new URL(`../../../examples/${f}`, import.meta.url), "utf8"));

describe("parseProfile", () => {
  it("reads OS1's root, and an old profile without one as 'take it from the running OS1'", () => {
    const base = { schema: "tessera/profile@1", name: "p" };
    const os1 = { name: "os1", cpus: [0], memory: [{ start: "0x0", size: "1G" }] };
    const old = parseProfile({ ...base, instances: [os1] });
    if (!old.ok) throw new Error("refused");
    // Nothing invented: no root, no kernel, no initrd (the planner takes the running OS1's).
    expect(old.value.instances[0]).toEqual({
      name: "os1",
      cpus: [0],
      memory: [{ start: 0n, size: 0x40000000n }],
      devices: [],
    });
    const empty = parseProfile({ ...base, instances: [{ ...os1, root: "", kernel: "" }] });
    if (!empty.ok) throw new Error("refused");
    expect(empty.value.instances[0]!.root).toBeUndefined();
    expect(empty.value.instances[0]!.kernel).toBeUndefined();
    const set = parseProfile({ ...base, instances: [{ ...os1, root: "UUID=0a1b" }] });
    if (!set.ok) throw new Error("refused");
    expect(set.value.instances[0]!.root).toBe("UUID=0a1b");
    expect(profileToJson(set.value).instances[0]!.root).toBe("UUID=0a1b");
    const bad = parseProfile({ ...base, instances: [{ ...os1, root: 7 }] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(formatParseErrors(bad.errors)).toContain("instances[0].root");
  });

  it("reports every error with its JSON path", () => {
    const r = parseProfile({
      schema: "tessera/profile@1",
      name: "p",
      instances: [
        { name: "os1", cpus: [0], memory: [{ start: "0x0", size: "1G" }] },
        { name: "os2", cpus: ["x"], memory: [{ start: "0x40000000", size: "1G" }] },
        { name: "os3", cpus: [2], memory: [{ start: "0x80000000", size: "12Q" }], colour: "red" },
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatParseErrors(r.errors).split("\n")).toEqual([
      'instances[1].cpus[0]: expected an integer of 0 or more, found "x"',
      "instances[2].colour: unknown field (expected one of name, cpus, memory, lowMemory, devices, kernel, initrd, root, cmdline)",
      'instances[2].memory[0].size: "12Q" is not a size (use hex like "0x40000000" or a size like "512M")',
    ]);
  });
  it("rejects the wrong schema and a non-object", () => {
    expect(parseProfile({ schema: "tessera/profile@2", name: "p", instances: [] })).toMatchObject({
      ok: false,
      errors: [{ path: "schema" }],
    });
    expect(parseProfile([])).toMatchObject({
      ok: false,
      errors: [{ path: "", message: "expected an object, found an array" }],
    });
  });
  it("refuses a JSON number where an address or size belongs, and a LAPIC ID as a string", () => {
    const r = parseProfile({
      schema: "tessera/profile@1",
      name: "p",
      instances: [{ name: "os1", cpus: ["0"], memory: [{ start: 0, size: 1073741824 }] }],
    });
    expect(r.ok ? [] : formatParseErrors(r.errors).split("\n")).toEqual([
      'instances[0].cpus[0]: expected an integer of 0 or more, found "0"',
      'instances[0].memory[0].start: 0 is a JSON number: write addresses and sizes as strings ("0x1000", "4096" or "4K")',
      'instances[0].memory[0].size: 1073741824 is a JSON number: write addresses and sizes as strings ("0x1000", "4096" or "4K")',
    ]);
  });
  it("reads the bundled example", () => {
    const r = parseProfile(example("profile.json"));
    expect(r.ok && r.value.instances.map((i) => i.name)).toEqual(["os1", "os2", "os3"]);
  });
});

describe("parseMachine", () => {
  it("reads the bundled example and prints it back unchanged", () => {
    const r = parseMachine(example("machine.json"));
    if (!r.ok) throw new Error(formatParseErrors(r.errors));
    const again = parseMachine(machineToJson(r.value));
    expect(again).toEqual({ ok: true, value: r.value });
  });
  it("reports duplicate LAPIC IDs and device ids, bad BDFs and e820 types", () => {
    const r = parseMachine({
      schema: "tessera/machine@1",
      cpus: [
        { apicId: 0, cpu: 0, package: 0, core: 0, node: 0 },
        { apicId: 0, cpu: 1, package: 0, core: 1, node: 0 },
      ],
      memoryMap: [{ start: "0x0", size: "1G", type: "ram" }],
      devices: [
        { id: "00:1f.2", bus: "pci", vendor: "0x8086", device: "0x2922", class: "0x010601" },
        { id: "vga", bus: "legacy" },
        { id: "vga", bus: "legacy" },
      ],
    });
    if (r.ok) throw new Error("expected errors");
    expect(r.errors.map((e) => e.path)).toEqual([
      "memoryMap[0].type",
      "devices[0].id",
      "cpus[1].apicId",
      "devices[2].id",
    ]);
  });
  it("reads platform facts, null meaning unknown, and prints them back", () => {
    const base = example("machine.json") as Record<string, unknown>;
    for (const platform of [
      { tscKhz: 2300000, x2apic: true },
      { tscKhz: null, x2apic: null },
    ]) {
      const r = parseMachine({ ...base, platform });
      if (!r.ok) throw new Error(formatParseErrors(r.errors));
      expect(r.value.platform).toEqual(platform);
      expect((machineToJson(r.value) as { platform: unknown }).platform).toEqual(platform);
    }
    const r = parseMachine(example("machine.json"));
    expect(r.ok && r.value.platform).toBeUndefined();
  });
  it("refuses platform facts that are not a kHz count or a flag, naming each", () => {
    const base = example("machine.json") as Record<string, unknown>;
    const r = parseMachine({ ...base, platform: { tscKhz: 2300.5, x2apic: "yes" } });
    if (r.ok) throw new Error("expected errors");
    expect(r.errors.map((e) => e.path)).toEqual(["platform.tscKhz", "platform.x2apic"]);
    const zero = parseMachine({ ...base, platform: { tscKhz: 0 } });
    if (zero.ok) throw new Error("expected errors");
    expect(formatParseErrors(zero.errors)).toBe(
      "platform.tscKhz: expected an integer of at least 1, found 0\nplatform.x2apic: missing (null when unknown)",
    );
  });
});

const range = fc.record({
  start: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  size: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
});
const arbProfile: fc.Arbitrary<Profile> = fc.record({
  schema: fc.constant("tessera/profile@1" as const),
  name: fc.string({ minLength: 1 }).filter((s) => s.trim() !== ""),
  instances: fc.array(
    fc.record(
      {
        name: fc.string({ minLength: 1 }).filter((s) => s.trim() !== ""),
        cpus: fc.array(fc.nat({ max: 4096 })),
        memory: fc.array(range),
        lowMemory: range,
        devices: fc.array(fc.stringMatching(/^[a-z0-9:.@-]{1,12}$/)),
        kernel: fc.string({ minLength: 1 }),
        initrd: fc.string({ minLength: 1 }),
        cmdline: fc.string(),
      },
      { requiredKeys: ["name", "cpus", "memory", "devices"] },
    ),
  ),
});

describe("parse(print(x)) = x", () => {
  it("holds for any profile, 64-bit addresses included", () => {
    fc.assert(
      fc.property(arbProfile, (p) => {
        const json = JSON.parse(JSON.stringify(profileToJson(p)));
        expect(parseProfile(json)).toEqual({ ok: true, value: p });
      }),
    );
  });
});
