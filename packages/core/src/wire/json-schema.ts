// JSON Schemas (draft-07 style, plain data) of the wire forms codec.ts writes: the machine,
// the profile, a range, a diagnostic and the boot plan. They describe SHAPE only, so that the
// agent's routes (Fastify/ajv) can refuse a malformed body early and serialise answers
// without dropping a field. The semantic check stays parseMachine/parseProfile: they give
// JSON paths, BigInt exactness (nothing above 64 bits) and the rules of SPEC.md.
//
// Contracts:
// - No `$id` and no `$ref`: each schema is a self-contained object, so a consumer can embed
//   it in as many route schemas as it likes without registering anything.
// - Addresses and sizes are strings, never JSON numbers (a number above 2^53 loses bits).
//   The machine and the plan carry hex as hex() writes it; a profile may also carry decimal
//   or suffixed sizes ("512M"), exactly the forms parseQuantity reads.
// - Objects the codec reads strictly (a profile's instances) are closed
//   (`additionalProperties: false`); the rest stay open, as the codec ignores unknown keys
//   there and a serialiser must not drop a field it does not know yet.
import { CORE_TYPES, E820_TYPES, LEGACY_KINDS } from "../model";

/** A hex address or size as hex() writes it ("0x40000000"). */
export const HEX_PATTERN = "^0[xX][0-9a-fA-F]+$";

/**
 * Any address or size parseQuantity reads: hex, decimal bytes or a binary suffix
 * ("64K", "512M", "2TiB"), with surrounding blanks (parseQuantity trims). Whether it fits in
 * 64 bits is parseQuantity's to say.
 */
export const QUANTITY_PATTERN =
  "^\\s*(?:0[xX][0-9a-fA-F]+|[0-9]+(?:\\s*[KMGTPEkmgtpe](?:[iI]?[bB])?)?)\\s*$";

const hexString = { type: "string", pattern: HEX_PATTERN } as const;
const quantityString = { type: "string", pattern: QUANTITY_PATTERN } as const;
const uint = { type: "integer", minimum: 0 } as const;
const nullableUint = { type: ["integer", "null"], minimum: 0 } as const;
const nullableString = { type: ["string", "null"] } as const;
/** Not empty once trimmed, as the codec's nonEmpty check. */
const nonEmptyString = { type: "string", pattern: "\\S" } as const;

/** A range as rangeToJson writes it: hex start and size. */
export const rangeJsonSchema = {
  type: "object",
  required: ["start", "size"],
  properties: { start: hexString, size: hexString },
  additionalProperties: false,
} as const;

/** A range in a profile: any quantity parseQuantity reads. */
const profileRange = {
  type: "object",
  required: ["start", "size"],
  properties: { start: quantityString, size: quantityString },
  additionalProperties: false,
} as const;

// ---------------------------------------------------------------- machine

const cpu = {
  type: "object",
  required: ["apicId", "cpu", "package", "core", "node"],
  properties: {
    apicId: uint,
    cpu: uint,
    package: uint,
    die: nullableUint,
    core: uint,
    node: nullableUint,
    siblings: { type: "array", items: uint },
    online: { type: "boolean" },
    coreType: { type: ["string", "null"], enum: [...CORE_TYPES, null] },
  },
  additionalProperties: true,
} as const;

const memoryRegion = {
  type: "object",
  required: ["start", "size", "type"],
  properties: {
    start: hexString,
    size: hexString,
    type: { type: "string", enum: [...E820_TYPES] },
    node: nullableUint,
  },
  additionalProperties: true,
} as const;

const pciDevice = {
  type: "object",
  required: ["id", "bus", "vendor", "device", "class", "driver", "irq", "iommuGroup", "node"],
  properties: {
    id: { type: "string", pattern: "^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\\.[0-7]$" },
    bus: { type: "string", const: "pci" },
    vendor: hexString,
    device: hexString,
    class: hexString,
    subsystemVendor: { type: ["string", "null"], pattern: HEX_PATTERN },
    subsystemDevice: { type: ["string", "null"], pattern: HEX_PATTERN },
    vendorName: nullableString,
    deviceName: nullableString,
    className: nullableString,
    driver: nullableString,
    irq: {
      type: "object",
      properties: {
        msi: { type: ["boolean", "null"] },
        msix: { type: ["boolean", "null"] },
        pin: { type: ["string", "null"], enum: ["A", "B", "C", "D", null] },
        line: nullableUint,
      },
      additionalProperties: true,
    },
    iommuGroup: nullableUint,
    node: nullableUint,
    bars: {
      type: "array",
      items: {
        type: "object",
        required: ["index", "start", "size", "kind"],
        properties: {
          index: uint,
          start: hexString,
          size: hexString,
          kind: { type: "string", enum: ["mem", "io"] },
          prefetchable: { type: "boolean" },
        },
        additionalProperties: true,
      },
    },
    capabilities: { type: "array", items: { type: "string" } },
    bootVga: { type: "boolean" },
  },
  additionalProperties: true,
} as const;

const legacyDevice = {
  type: "object",
  required: ["id", "bus", "kind", "irq"],
  properties: {
    id: { type: "string", pattern: "^(serial@0x[0-9a-f]+|ps2-keyboard|ps2-mouse|vga)$" },
    bus: { type: "string", const: "legacy" },
    kind: { type: "string", enum: [...LEGACY_KINDS] },
    ioPort: { type: ["string", "null"], pattern: HEX_PATTERN },
    irq: nullableUint,
    name: nullableString,
  },
  additionalProperties: true,
} as const;

/** `tessera/machine@1` as machineToJson writes it. */
export const machineJsonSchema = {
  title: "tessera/machine@1",
  type: "object",
  required: ["schema", "cpus", "memoryMap", "devices"],
  properties: {
    schema: { type: "string", const: "tessera/machine@1" },
    identity: {
      type: "object",
      properties: {
        hostname: nullableString,
        vendor: nullableString,
        product: nullableString,
        kernel: nullableString,
        fingerprint: nullableString,
      },
      additionalProperties: true,
    },
    cpus: { type: "array", items: cpu },
    memoryMap: { type: "array", items: memoryRegion },
    // Tagged by `bus`: a PCI device or a legacy one.
    devices: {
      type: "array",
      items: {
        type: "object",
        required: ["bus"],
        properties: { bus: { type: "string", enum: ["pci", "legacy"] } },
        if: { type: "object", properties: { bus: { const: "pci" } } },
        then: pciDevice,
        else: legacyDevice,
      },
    },
    discovery: {
      type: "object",
      properties: {
        memorySource: nullableString,
        source: nullableString,
        problems: {
          type: "array",
          items: {
            type: "object",
            required: ["path", "message"],
            properties: { path: { type: "string" }, message: { type: "string" } },
            additionalProperties: true,
          },
        },
        unknown: { type: "array", items: { type: "string" } },
      },
      additionalProperties: true,
    },
    platform: {
      type: "object",
      required: ["tscKhz", "x2apic"],
      properties: {
        tscKhz: { type: ["integer", "null"], minimum: 1 },
        x2apic: { type: ["boolean", "null"] },
      },
      additionalProperties: true,
    },
  },
  additionalProperties: true,
} as const;

// ---------------------------------------------------------------- profile

const instance = {
  type: "object",
  required: ["name"],
  properties: {
    name: nonEmptyString,
    cpus: { type: "array", items: uint },
    memory: { type: "array", items: profileRange },
    lowMemory: { anyOf: [profileRange, { type: "null" }] },
    devices: { type: "array", items: nonEmptyString },
    kernel: nullableString,
    initrd: nullableString,
    root: nullableString,
    cmdline: nullableString,
  },
  additionalProperties: false,
} as const;

/** `tessera/profile@1`: what profileToJson writes and parseProfile reads. */
export const profileJsonSchema = {
  title: "tessera/profile@1",
  type: "object",
  required: ["schema", "name", "instances"],
  properties: {
    schema: { type: "string", const: "tessera/profile@1" },
    name: nonEmptyString,
    machineFingerprint: { type: "string" },
    instances: { type: "array", items: instance },
  },
  additionalProperties: true,
} as const;

// ---------------------------------------------------------------- diagnostics

/** One finding as diagnosticsToJson writes it. */
export const diagnosticJsonSchema = {
  type: "object",
  required: ["code", "severity", "path", "instance", "message", "hint"],
  properties: {
    code: { type: "string" },
    severity: { type: "string", enum: ["error", "warning", "info"] },
    path: { type: "string" },
    instance: nullableString,
    message: { type: "string" },
    hint: { type: "string" },
    subject: {
      type: "object",
      properties: {
        cpus: { type: "array", items: uint },
        devices: { type: "array", items: { type: "string" } },
        ranges: { type: "array", items: rangeJsonSchema },
      },
      additionalProperties: true,
    },
  },
  additionalProperties: true,
} as const;

export const diagnosticsJsonSchema = { type: "array", items: diagnosticJsonSchema } as const;

// ---------------------------------------------------------------- plan

const stringArray = { type: "array", items: { type: "string" } } as const;
const uintArray = { type: "array", items: uint } as const;

const os1Plan = {
  type: "object",
  required: ["name", "cpus", "maxcpus", "memEnd", "reservations", "devices", "options"],
  properties: {
    name: { type: "string" },
    cpus: uintArray,
    maxcpus: uint,
    memEnd: hexString,
    reservations: { type: "array", items: rangeJsonSchema },
    devices: stringArray,
    options: stringArray,
    cmdline: { type: "string" },
    kernel: nullableString,
    initrd: nullableString,
    root: nullableString,
    grubEntry: nullableString,
  },
  additionalProperties: true,
} as const;

const successorPlan = {
  type: "object",
  required: ["name", "index", "bsp", "cpus", "memMin", "memMax", "memory", "lowMemory", "e820"],
  properties: {
    name: { type: "string" },
    index: uint,
    bsp: uint,
    cpus: uintArray,
    cpuCount: uint,
    memMin: hexString,
    memMax: hexString,
    memory: { type: "array", items: rangeJsonSchema },
    lowMemory: rangeJsonSchema,
    sipiVector: uint,
    e820: {
      type: "array",
      items: {
        type: "object",
        required: ["start", "size", "type"],
        properties: {
          start: hexString,
          size: hexString,
          type: { type: "string", enum: [...E820_TYPES] },
        },
        additionalProperties: true,
      },
    },
    devices: stringArray,
    kernel: nullableString,
    initrd: nullableString,
    options: stringArray,
    cmdline: { type: "string" },
    direct: {
      type: "object",
      required: ["mailbox", "mpTable", "console", "tscKhz"],
      properties: {
        mailbox: hexString,
        mpTable: hexString,
        console: {
          anyOf: [
            {
              type: "object",
              required: ["port", "tty"],
              properties: { port: uint, tty: { type: "string" } },
              additionalProperties: true,
            },
            { type: "null" },
          ],
        },
        tscKhz: { type: "integer", minimum: 1 },
      },
      additionalProperties: true,
    },
  },
  additionalProperties: true,
} as const;

/** `tessera/plan@1` as planToJson writes it. */
export const planJsonSchema = {
  title: "tessera/plan@1",
  type: "object",
  required: ["schema", "profile", "os1", "successors", "diagnostics"],
  properties: {
    schema: { type: "string", const: "tessera/plan@1" },
    profile: { type: "string" },
    os1: os1Plan,
    successors: { type: "array", items: successorPlan },
    diagnostics: diagnosticsJsonSchema,
  },
  additionalProperties: true,
} as const;
