// The JSON Schemas against the codec, without a schema validator: core has no dependencies,
// and the ajv 8 that Fastify uses is not the one hoisted to node_modules/ajv (that one is
// eslint's ajv 6). The full proof that ajv accepts what the codec writes and refuses
// malformed input runs in apps/agent (src/routes/schemas.test.ts), through Fastify. Here:
// the patterns agree with parseQuantity and hex(), every key the codec writes is declared,
// and the schemas are plain data.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { diagnosticsToJson, machineToJson, parseMachine, parseProfile, planToJson } from "../codec";
import { profileToJson } from "../codec";
import {
  HEX_PATTERN,
  QUANTITY_PATTERN,
  diagnosticJsonSchema,
  machineJsonSchema,
  planJsonSchema,
  profileJsonSchema,
  rangeJsonSchema,
} from "./json-schema";
import { plan } from "../plan";
import { validate } from "../validate";
import { hex, parseQuantity, U64_MAX } from "../units";
import { E820_TYPES } from "../model";

const example = (f: string) =>
  JSON.parse(
    readFileSync(new URL(`../../../../examples/${f}`, import.meta.url), "utf8"),
  ) as unknown;

function examples() {
  const m = parseMachine(example("machine.json"));
  const p = parseProfile(example("profile.json"));
  if (!m.ok || !p.ok) throw new Error("the examples must parse");
  return { machine: m.value, profile: p.value };
}

const quantity = new RegExp(QUANTITY_PATTERN, "u");
const hexRe = new RegExp(HEX_PATTERN, "u");

/** Every string at a key named like an address or size, with its JSON path. */
function addressStrings(v: unknown, path = ""): [string, unknown][] {
  if (Array.isArray(v)) return v.flatMap((x, i) => addressStrings(x, `${path}[${i}]`));
  if (v === null || typeof v !== "object") return [];
  return Object.entries(v).flatMap(([k, x]) =>
    ["start", "size", "memEnd", "memMin", "memMax"].includes(k)
      ? [[`${path}.${k}`, x] as [string, unknown]]
      : addressStrings(x, `${path}.${k}`),
  );
}

describe("JSON Schemas", () => {
  it("QUANTITY_PATTERN accepts exactly the strings parseQuantity reads (64-bit range aside)", () => {
    const char = fc.constantFrom(..."0123456789abcdefxXKMGTPEkmgiIbB ".split(""));
    fc.assert(
      fc.property(fc.array(char, { maxLength: 12 }), (chars) => {
        const s = chars.join("");
        const r = parseQuantity(s);
        const tooBig = !r.ok && r.reason.includes("64 bits");
        expect(quantity.test(s)).toBe(r.ok || tooBig);
      }),
      { numRuns: 3000 },
    );
    for (const s of ["0x40000000", "4096", "512M", "2TiB", " 1 G ", "64kb"])
      expect(quantity.test(s), s).toBe(true);
    for (const s of ["", "0x", "1.5G", "-1", "12Q", "0x1g"])
      expect(quantity.test(s), s).toBe(false);
  });

  it("HEX_PATTERN matches every address the codec writes, and hex() of any 64-bit value", () => {
    const { machine, profile } = examples();
    const r = plan(machine, profile);
    if (!r.ok) throw new Error("the example profile must plan");
    const written = [
      ...addressStrings(machineToJson(machine), "machine"),
      ...addressStrings(planToJson(r.plan), "plan"),
      ...addressStrings(profileToJson(profile), "profile"),
    ];
    expect(written.length).toBeGreaterThan(20);
    for (const [path, s] of written) {
      expect(typeof s, path).toBe("string");
      expect(hexRe.test(s as string), `${path}: ${String(s)}`).toBe(true);
    }
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: U64_MAX }), (n) => hexRe.test(hex(n))));
    expect(hexRe.test("4096")).toBe(false);
  });

  it("declares every key profileToJson writes for an instance (the closed object)", () => {
    const { profile } = examples();
    const json = profileToJson(profile) as { instances: Record<string, unknown>[] };
    const declared = Object.keys(profileJsonSchema.properties.instances.items.properties);
    for (const inst of json.instances)
      for (const k of Object.keys(inst)) expect(declared, `instance key ${k}`).toContain(k);
    for (const k of Object.keys(json))
      expect(Object.keys(profileJsonSchema.properties)).toContain(k);
  });

  it("declares the keys machineToJson, planToJson and diagnosticsToJson write at their top", () => {
    const { machine, profile } = examples();
    const r = plan(machine, profile);
    if (!r.ok) throw new Error("the example profile must plan");
    const broken = { ...profile, instances: profile.instances.map((i) => ({ ...i, cpus: [0] })) };
    const diags = diagnosticsToJson(validate(machine, broken)) as Record<string, unknown>[];
    expect(diags.length).toBeGreaterThan(0);
    const pairs: [Record<string, unknown>, { properties: object; required: readonly string[] }][] =
      [
        [machineToJson(machine) as Record<string, unknown>, machineJsonSchema],
        [planToJson(r.plan) as Record<string, unknown>, planJsonSchema],
        ...diags.map(
          (d) =>
            [d, diagnosticJsonSchema] as [Record<string, unknown>, typeof diagnosticJsonSchema],
        ),
      ];
    for (const [value, schema] of pairs) {
      for (const k of Object.keys(value)) expect(Object.keys(schema.properties)).toContain(k);
      for (const k of schema.required) expect(Object.keys(value)).toContain(k);
    }
  });

  it("declares the platform facts machineToJson writes, both required (null = unknown)", () => {
    const { machine } = examples();
    const json = machineToJson({ ...machine, platform: { tscKhz: 2300000, x2apic: null } }) as {
      platform: Record<string, unknown>;
    };
    const schema = machineJsonSchema.properties.platform;
    expect(Object.keys(json.platform).sort()).toEqual([...schema.required].sort());
    expect(Object.keys(schema.properties).sort()).toEqual([...schema.required].sort());
  });

  it("names the model's e820 types and the wire schema ids; is plain JSON data", () => {
    expect(machineJsonSchema.properties.memoryMap.items.properties.type.enum).toEqual([
      ...E820_TYPES,
    ]);
    expect(machineJsonSchema.properties.schema.const).toBe("tessera/machine@1");
    expect(profileJsonSchema.properties.schema.const).toBe("tessera/profile@1");
    expect(planJsonSchema.properties.schema.const).toBe("tessera/plan@1");
    for (const s of [machineJsonSchema, profileJsonSchema, planJsonSchema, rangeJsonSchema])
      expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
