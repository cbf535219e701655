// JSON <-> model. Parsing collects every problem with its JSON path and never throws;
// printing writes addresses and sizes as hex strings, so parse(print(x)) = x.
import {
  CORE_TYPES,
  E820_TYPES,
  LEGACY_KINDS,
  MACHINE_SCHEMA,
  PROFILE_SCHEMA,
  type BootPlan,
  type Diagnostic,
  type Cpu,
  type CoreType,
  type Device,
  type DiscoveryInfo,
  type E820Type,
  type Instance,
  type LegacyDevice,
  type LegacyKind,
  type Machine,
  type MachineIdentity,
  type MemoryRegion,
  type PciBar,
  type PciDevice,
  type PciPin,
  type Platform,
  type Profile,
  type Range,
  INSTANCE_FIELDS,
} from "./model";
import { describe, hex, parseQuantity } from "./units";
import type {
  DiagnosticJson,
  JsonForm,
  LegacyDeviceJson,
  MachineJson,
  PciDeviceJson,
  PlanJson,
  ProfileJson,
  RangeJson,
} from "./wire/rest";

export interface ParseError {
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: ParseError[] };

/** Formats parse errors one a line: `instances[2].memory[0].size: "12Q" is not a size`. */
export function formatParseErrors(errors: ParseError[]): string {
  return errors.map((e) => `${e.path || "(top)"}: ${e.message}`).join("\n");
}

type Obj = Record<string, unknown>;

class Reader {
  readonly errors: ParseError[] = [];

  fail(path: string, message: string): undefined {
    this.errors.push({ path, message });
    return undefined;
  }

  object(v: unknown, path: string): Obj | undefined {
    if (typeof v === "object" && v !== null && !Array.isArray(v)) return v as Obj;
    return this.fail(path, `expected an object, found ${describe(v)}`);
  }

  array(v: unknown, path: string): unknown[] | undefined {
    if (Array.isArray(v)) return v;
    return this.fail(path, `expected an array, found ${describe(v)}`);
  }

  string(v: unknown, path: string, opts: { nonEmpty?: boolean } = {}): string | undefined {
    if (typeof v !== "string") return this.fail(path, `expected a string, found ${describe(v)}`);
    if (opts.nonEmpty && v.trim() === "") return this.fail(path, "must not be empty");
    return v;
  }

  optString(v: unknown, path: string): string | null | undefined {
    if (v === undefined || v === null) return null;
    return this.string(v, path);
  }

  int(v: unknown, path: string, min = 0): number | undefined {
    if (typeof v === "number" && Number.isInteger(v) && v >= min) return v;
    if (typeof v === "string" && /^(0x[0-9a-f]+|[0-9]+)$/i.test(v.trim())) {
      const n = Number(v.trim());
      if (Number.isSafeInteger(n) && n >= min) return n;
    }
    return this.fail(
      path,
      `expected an integer${min > 0 ? ` of at least ${min}` : min === 0 ? " of 0 or more" : ""}, found ${describe(v)}`,
    );
  }

  /** An integer written as a JSON number (a profile's LAPIC IDs), never as a string. */
  jsonInt(v: unknown, path: string): number | undefined {
    if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
    return this.fail(path, `expected an integer of 0 or more, found ${describe(v)}`);
  }

  optInt(v: unknown, path: string, min = 0): number | null | undefined {
    if (v === undefined || v === null) return null;
    return this.int(v, path, min);
  }

  bool(v: unknown, path: string): boolean | undefined {
    if (typeof v === "boolean") return v;
    return this.fail(path, `expected true or false, found ${describe(v)}`);
  }

  /**
   * An address or size: a string parseQuantity reads. A JSON number is refused, as the JSON
   * Schemas (and so the agent's API) refuse it: above 2^53 it has already lost bits when it
   * reaches us, and one rule for every reader is easier to keep than an exception.
   */
  quantity(v: unknown, path: string): bigint | undefined {
    if (typeof v === "number")
      return this.fail(
        path,
        `${v} is a JSON number: write addresses and sizes as strings ("0x1000", "4096" or "4K")`,
      );
    const r = parseQuantity(v);
    if (r.ok) return r.value;
    return this.fail(path, r.reason);
  }

  oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T | undefined {
    if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
    return this.fail(path, `${describe(v)} is not one of ${allowed.join(", ")}`);
  }

  range(v: unknown, path: string): Range | undefined {
    const o = this.object(v, path);
    if (!o) return undefined;
    const start = this.quantity(o.start, `${path}.start`);
    const size = this.quantity(o.size, `${path}.size`);
    if (start === undefined || size === undefined) return undefined;
    return { start, size };
  }

  schema(o: Obj, expected: string): boolean {
    if (o.schema === expected) return true;
    this.fail("schema", `expected ${JSON.stringify(expected)}, found ${describe(o.schema)}`);
    return false;
  }
}

function result<T>(r: Reader, value: T | undefined): ParseResult<T> {
  if (r.errors.length > 0 || value === undefined) {
    return { ok: false, errors: r.errors.length ? r.errors : [{ path: "", message: "invalid" }] };
  }
  return { ok: true, value };
}

// ---------------------------------------------------------------- machine

export function parseMachine(json: unknown): ParseResult<Machine> {
  const r = new Reader();
  const o = r.object(json, "");
  if (!o) return result<Machine>(r, undefined);
  r.schema(o, MACHINE_SCHEMA);
  const cpus = (r.array(o.cpus, "cpus") ?? []).map((c, i) => readCpu(r, c, `cpus[${i}]`));
  const memoryMap = (r.array(o.memoryMap, "memoryMap") ?? []).map((m, i) =>
    readRegion(r, m, `memoryMap[${i}]`),
  );
  const devices = (r.array(o.devices, "devices") ?? []).map((d, i) =>
    readDevice(r, d, `devices[${i}]`),
  );
  const seenApic = new Map<number, number>();
  cpus.forEach((c, i) => {
    if (!c) return;
    const first = seenApic.get(c.apicId);
    if (first !== undefined)
      r.fail(`cpus[${i}].apicId`, `LAPIC ID ${c.apicId} is listed twice (also cpus[${first}])`);
    else seenApic.set(c.apicId, i);
  });
  const seenDev = new Map<string, number>();
  devices.forEach((d, i) => {
    if (!d) return;
    const first = seenDev.get(d.id);
    if (first !== undefined)
      r.fail(`devices[${i}].id`, `device ${d.id} is listed twice (also devices[${first}])`);
    else seenDev.set(d.id, i);
  });
  const machine: Machine = {
    schema: MACHINE_SCHEMA,
    cpus: cpus.filter((c): c is Cpu => c !== undefined),
    memoryMap: memoryMap.filter((m): m is MemoryRegion => m !== undefined),
    devices: devices.filter((d): d is Device => d !== undefined),
  };
  if (o.identity !== undefined) {
    const id = readIdentity(r, o.identity);
    if (id) machine.identity = id;
  }
  if (o.discovery !== undefined) {
    const d = readDiscovery(r, o.discovery);
    if (d) machine.discovery = d;
  }
  if (o.platform !== undefined) {
    const pl = readPlatform(r, o.platform);
    if (pl) machine.platform = pl;
  }
  return result(r, machine);
}

function readCpu(r: Reader, v: unknown, path: string): Cpu | undefined {
  const o = r.object(v, path);
  if (!o) return undefined;
  const apicId = r.int(o.apicId, `${path}.apicId`);
  const cpu = r.int(o.cpu, `${path}.cpu`);
  const pkg = r.int(o.package, `${path}.package`);
  const core = r.int(o.core, `${path}.core`);
  const node = r.optInt(o.node, `${path}.node`);
  const die = r.optInt(o.die, `${path}.die`);
  const siblingsRaw = o.siblings === undefined ? [] : r.array(o.siblings, `${path}.siblings`);
  const siblings = (siblingsRaw ?? []).map((s, i) => r.int(s, `${path}.siblings[${i}]`));
  const online = o.online === undefined ? true : r.bool(o.online, `${path}.online`);
  let coreType: CoreType | null | undefined = null;
  if (o.coreType !== undefined && o.coreType !== null)
    coreType = r.oneOf(o.coreType, `${path}.coreType`, CORE_TYPES);
  if (
    apicId === undefined ||
    cpu === undefined ||
    pkg === undefined ||
    core === undefined ||
    node === undefined ||
    die === undefined ||
    online === undefined ||
    coreType === undefined ||
    siblings.some((s) => s === undefined)
  ) {
    return undefined;
  }
  const sib = siblings as number[];
  const out: Cpu = {
    apicId,
    cpu,
    package: pkg,
    core,
    node,
    siblings: sib.length ? sib : [apicId],
    online,
    coreType,
  };
  if (die !== null) out.die = die;
  return out;
}

function readRegion(r: Reader, v: unknown, path: string): MemoryRegion | undefined {
  const o = r.object(v, path);
  if (!o) return undefined;
  const start = r.quantity(o.start, `${path}.start`);
  const size = r.quantity(o.size, `${path}.size`);
  const type = r.oneOf<E820Type>(o.type, `${path}.type`, E820_TYPES);
  const node = r.optInt(o.node, `${path}.node`);
  if (start === undefined || size === undefined || type === undefined || node === undefined)
    return undefined;
  if (size === 0n) return r.fail(`${path}.size`, "a memory region cannot be empty");
  const out: MemoryRegion = { start, size, type };
  if (node !== null) out.node = node;
  return out;
}

const BDF = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/;
const LEGACY_ID = /^(serial@0x[0-9a-f]+|ps2-keyboard|ps2-mouse|vga)$/;

function readDevice(r: Reader, v: unknown, path: string): Device | undefined {
  const o = r.object(v, path);
  if (!o) return undefined;
  const id = r.string(o.id, `${path}.id`, { nonEmpty: true });
  const bus = r.oneOf(o.bus, `${path}.bus`, ["pci", "legacy"] as const);
  if (id === undefined || bus === undefined) return undefined;
  return bus === "pci" ? readPci(r, o, id, path) : readLegacy(r, o, id, path);
}

function readPci(r: Reader, o: Obj, id: string, path: string): PciDevice | undefined {
  if (!BDF.test(id))
    return r.fail(`${path}.id`, `${JSON.stringify(id)} is not a PCI address like "0000:00:1f.2"`);
  const vendor = r.int(o.vendor, `${path}.vendor`);
  const device = r.int(o.device, `${path}.device`);
  const cls = r.int(o.class, `${path}.class`);
  const driver = r.optString(o.driver, `${path}.driver`);
  const iommuGroup = r.optInt(o.iommuGroup, `${path}.iommuGroup`);
  const node = r.optInt(o.node, `${path}.node`);
  const irqObj = o.irq === undefined ? {} : r.object(o.irq, `${path}.irq`);
  let irq: PciDevice["irq"] | undefined;
  if (irqObj) {
    // null: discovery could not tell (a 64-byte config space); absent: none.
    const msi =
      irqObj.msi === undefined
        ? false
        : irqObj.msi === null
          ? null
          : r.bool(irqObj.msi, `${path}.irq.msi`);
    const msix =
      irqObj.msix === undefined
        ? false
        : irqObj.msix === null
          ? null
          : r.bool(irqObj.msix, `${path}.irq.msix`);
    const pin =
      irqObj.pin === undefined || irqObj.pin === null
        ? null
        : r.oneOf<PciPin>(irqObj.pin, `${path}.irq.pin`, ["A", "B", "C", "D"]);
    const line = r.optInt(irqObj.line, `${path}.irq.line`);
    if (msi !== undefined && msix !== undefined && pin !== undefined && line !== undefined)
      irq = { msi, msix, pin, line };
  }
  if (
    vendor === undefined ||
    device === undefined ||
    cls === undefined ||
    driver === undefined ||
    iommuGroup === undefined ||
    node === undefined ||
    irq === undefined
  ) {
    return undefined;
  }
  const out: PciDevice = {
    id,
    bus: "pci",
    vendor,
    device,
    class: cls,
    driver,
    irq,
    iommuGroup,
    node,
  };
  const sv = r.optInt(o.subsystemVendor, `${path}.subsystemVendor`);
  const sd = r.optInt(o.subsystemDevice, `${path}.subsystemDevice`);
  if (sv !== undefined && sv !== null) out.subsystemVendor = sv;
  if (sd !== undefined && sd !== null) out.subsystemDevice = sd;
  for (const key of ["vendorName", "deviceName", "className"] as const) {
    const s = r.optString(o[key], `${path}.${key}`);
    if (s) out[key] = s;
  }
  if (o.bars !== undefined) {
    const bars = (r.array(o.bars, `${path}.bars`) ?? []).map((b, i) =>
      readBar(r, b, `${path}.bars[${i}]`),
    );
    out.bars = bars.filter((b): b is PciBar => b !== undefined);
  }
  if (o.capabilities !== undefined) {
    const caps = (r.array(o.capabilities, `${path}.capabilities`) ?? []).map((c, i) =>
      r.string(c, `${path}.capabilities[${i}]`),
    );
    out.capabilities = caps.filter((c): c is string => c !== undefined);
  }
  if (o.bootVga !== undefined) {
    const b = r.bool(o.bootVga, `${path}.bootVga`);
    if (b !== undefined) out.bootVga = b;
  }
  return out;
}

function readBar(r: Reader, v: unknown, path: string): PciBar | undefined {
  const o = r.object(v, path);
  if (!o) return undefined;
  const index = r.int(o.index, `${path}.index`);
  const start = r.quantity(o.start, `${path}.start`);
  const size = r.quantity(o.size, `${path}.size`);
  const kind = r.oneOf(o.kind, `${path}.kind`, ["mem", "io"] as const);
  if (index === undefined || start === undefined || size === undefined || kind === undefined)
    return undefined;
  const bar: PciBar = { index, start, size, kind };
  if (o.prefetchable !== undefined) {
    const p = r.bool(o.prefetchable, `${path}.prefetchable`);
    if (p !== undefined) bar.prefetchable = p;
  }
  return bar;
}

function readLegacy(r: Reader, o: Obj, id: string, path: string): LegacyDevice | undefined {
  if (!LEGACY_ID.test(id)) {
    return r.fail(
      `${path}.id`,
      `${JSON.stringify(id)} is not a legacy device id (serial@0x3f8, ps2-keyboard, ps2-mouse, vga)`,
    );
  }
  const kind = r.oneOf<LegacyKind>(o.kind ?? legacyKindOf(id), `${path}.kind`, LEGACY_KINDS);
  const irq = r.optInt(o.irq, `${path}.irq`);
  const ioPort = r.optInt(o.ioPort, `${path}.ioPort`);
  const name = r.optString(o.name, `${path}.name`);
  if (kind === undefined || irq === undefined || ioPort === undefined || name === undefined)
    return undefined;
  if (kind !== legacyKindOf(id)) return r.fail(`${path}.kind`, `${kind} does not match id ${id}`);
  const out: LegacyDevice = { id, bus: "legacy", kind, irq };
  if (ioPort !== null) out.ioPort = ioPort;
  else if (kind === "serial") out.ioPort = Number.parseInt(id.slice("serial@".length), 16);
  if (name) out.name = name;
  return out;
}

function legacyKindOf(id: string): LegacyKind {
  return id.startsWith("serial@") ? "serial" : (id as LegacyKind);
}

function readIdentity(r: Reader, v: unknown): MachineIdentity | undefined {
  const o = r.object(v, "identity");
  if (!o) return undefined;
  const out: MachineIdentity = {};
  for (const key of ["hostname", "vendor", "product", "kernel", "fingerprint"] as const) {
    const s = r.optString(o[key], `identity.${key}`);
    if (s !== undefined) out[key] = s;
  }
  return out;
}

function readDiscovery(r: Reader, v: unknown): DiscoveryInfo | undefined {
  const o = r.object(v, "discovery");
  if (!o) return undefined;
  const out: DiscoveryInfo = {};
  const ms = r.optString(o.memorySource, "discovery.memorySource");
  if (ms !== undefined) out.memorySource = ms;
  const src = r.optString(o.source, "discovery.source");
  if (src !== undefined) out.source = src;
  if (o.problems !== undefined) {
    out.problems = (r.array(o.problems, "discovery.problems") ?? []).flatMap((p, i) => {
      const po = r.object(p, `discovery.problems[${i}]`);
      if (!po) return [];
      const path = r.string(po.path, `discovery.problems[${i}].path`);
      const message = r.string(po.message, `discovery.problems[${i}].message`);
      return path !== undefined && message !== undefined ? [{ path, message }] : [];
    });
  }
  if (o.unknown !== undefined) {
    out.unknown = (r.array(o.unknown, "discovery.unknown") ?? []).flatMap((u, i) => {
      const s = r.string(u, `discovery.unknown[${i}]`);
      return s === undefined ? [] : [s];
    });
  }
  return out;
}

function readPlatform(r: Reader, v: unknown): Platform | undefined {
  const o = r.object(v, "platform");
  if (!o) return undefined;
  // Both keys are required: null says "discovery could not tell", absence would be ambiguous.
  const missing = (key: string) => r.fail(`platform.${key}`, "missing (null when unknown)");
  const tscKhz =
    o.tscKhz === undefined
      ? missing("tscKhz")
      : o.tscKhz === null
        ? null
        : r.int(o.tscKhz, "platform.tscKhz", 1);
  const x2apic =
    o.x2apic === undefined
      ? missing("x2apic")
      : o.x2apic === null
        ? null
        : r.bool(o.x2apic, "platform.x2apic");
  if (tscKhz === undefined || x2apic === undefined) return undefined;
  return { tscKhz, x2apic };
}

export function machineToJson(m: Machine): MachineJson {
  const devices = m.devices.map((d): PciDeviceJson | LegacyDeviceJson => {
    if (d.bus === "legacy") {
      const { ioPort, ...rest } = d;
      return ioPort !== undefined && ioPort !== null ? { ...rest, ioPort: hex(ioPort) } : rest;
    }
    const { subsystemVendor: sv, subsystemDevice: sd, bars, ...rest } = d;
    const o: PciDeviceJson = {
      ...rest,
      vendor: hex4(d.vendor),
      device: hex4(d.device),
      class: hex6(d.class),
    };
    if (sv !== undefined && sv !== null) o.subsystemVendor = hex4(sv);
    if (sd !== undefined && sd !== null) o.subsystemDevice = hex4(sd);
    if (bars) o.bars = bars.map((b) => ({ ...b, start: hex(b.start), size: hex(b.size) }));
    return o;
  });
  return {
    schema: MACHINE_SCHEMA,
    ...(m.identity ? { identity: m.identity } : {}),
    cpus: m.cpus.map((c) => ({ ...c })),
    memoryMap: m.memoryMap.map((r) => ({
      start: hex(r.start),
      size: hex(r.size),
      type: r.type,
      ...(r.node !== undefined && r.node !== null ? { node: r.node } : {}),
    })),
    devices,
    ...(m.discovery ? { discovery: m.discovery } : {}),
    ...(m.platform ? { platform: { tscKhz: m.platform.tscKhz, x2apic: m.platform.x2apic } } : {}),
  };
}

function hex4(n: number): string {
  return "0x" + n.toString(16).padStart(4, "0");
}
function hex6(n: number): string {
  return "0x" + n.toString(16).padStart(6, "0");
}

// ---------------------------------------------------------------- profile

export function parseProfile(json: unknown): ParseResult<Profile> {
  const r = new Reader();
  const o = r.object(json, "");
  if (!o) return result<Profile>(r, undefined);
  r.schema(o, PROFILE_SCHEMA);
  const name = r.string(o.name, "name", { nonEmpty: true });
  const instances = (r.array(o.instances, "instances") ?? []).map((v, i) =>
    readInstance(r, v, `instances[${i}]`),
  );
  const fp =
    o.machineFingerprint === undefined
      ? undefined
      : r.string(o.machineFingerprint, "machineFingerprint");
  if (name === undefined) return result<Profile>(r, undefined);
  const profile: Profile = {
    schema: PROFILE_SCHEMA,
    name,
    instances: instances.filter((i): i is Instance => i !== undefined),
  };
  if (fp !== undefined) profile.machineFingerprint = fp;
  return result(r, profile);
}

const INSTANCE_KEYS: ReadonlySet<string> = new Set(INSTANCE_FIELDS);

function readInstance(r: Reader, v: unknown, path: string): Instance | undefined {
  const o = r.object(v, path);
  if (!o) return undefined;
  for (const key of Object.keys(o)) {
    if (!INSTANCE_KEYS.has(key))
      r.fail(`${path}.${key}`, `unknown field (expected one of ${[...INSTANCE_KEYS].join(", ")})`);
  }
  const name = r.string(o.name, `${path}.name`, { nonEmpty: true });
  const cpus = (o.cpus === undefined ? [] : (r.array(o.cpus, `${path}.cpus`) ?? [])).map((c, i) =>
    r.jsonInt(c, `${path}.cpus[${i}]`),
  );
  const memory = (o.memory === undefined ? [] : (r.array(o.memory, `${path}.memory`) ?? [])).map(
    (m, i) => r.range(m, `${path}.memory[${i}]`),
  );
  const devices = (
    o.devices === undefined ? [] : (r.array(o.devices, `${path}.devices`) ?? [])
  ).map((d, i) => r.string(d, `${path}.devices[${i}]`, { nonEmpty: true }));
  const low =
    o.lowMemory === undefined || o.lowMemory === null
      ? null
      : r.range(o.lowMemory, `${path}.lowMemory`);
  const inst: Instance = {
    name: name ?? "",
    cpus: cpus.filter((c): c is number => c !== undefined),
    memory: memory.filter((m): m is Range => m !== undefined),
    devices: devices.filter((d): d is string => d !== undefined),
  };
  if (low) inst.lowMemory = low;
  // Empty kernel, initrd or root means "not set" (for OS1: the running OS1's), never "".
  for (const key of ["kernel", "initrd", "root", "cmdline"] as const) {
    if (o[key] !== undefined && o[key] !== null) {
      const s = r.string(o[key], `${path}.${key}`);
      if (s !== undefined && (key === "cmdline" || s !== "")) inst[key] = s;
    }
  }
  return name === undefined ? undefined : inst;
}

export function profileToJson(p: Profile): ProfileJson {
  const out: ProfileJson = { schema: PROFILE_SCHEMA, name: p.name, instances: [] };
  if (p.machineFingerprint !== undefined) out.machineFingerprint = p.machineFingerprint;
  // Optional keys only when set, in this order (name, cpus, memory, lowMemory, devices …).
  out.instances = p.instances.map((i) => ({
    name: i.name,
    cpus: [...i.cpus],
    memory: i.memory.map(rangeToJson),
    ...(i.lowMemory ? { lowMemory: rangeToJson(i.lowMemory) } : {}),
    devices: [...i.devices],
    ...(i.kernel !== undefined ? { kernel: i.kernel } : {}),
    ...(i.initrd !== undefined ? { initrd: i.initrd } : {}),
    ...(i.root !== undefined ? { root: i.root } : {}),
    ...(i.cmdline !== undefined ? { cmdline: i.cmdline } : {}),
  }));
  return out;
}

export function rangeToJson(r: Range): RangeJson {
  return { start: hex(r.start), size: hex(r.size) };
}

// ---------------------------------------------------------------- plan

export function planToJson(plan: BootPlan): PlanJson {
  return toJsonValue(plan);
}

/** Diagnostics as JSON: the ranges in `subject` as hex strings. */
export function diagnosticsToJson(diagnostics: Diagnostic[]): DiagnosticJson[] {
  return toJsonValue(diagnostics);
}

/** Any model value as plain JSON: every bigint becomes a hex string. */
export function toJsonValue<T>(value: T): JsonForm<T> {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? hex(v) : v)),
  ) as JsonForm<T>;
}
