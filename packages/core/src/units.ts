// Exact addresses and sizes. JSON carries them as strings ("0x40000000", "512M"); the
// program holds bigint so that nothing above 2^53 loses a bit.

export const KiB = 1024n;
export const MiB = 1024n * KiB;
export const GiB = 1024n * MiB;
export const TiB = 1024n * GiB;
export const PAGE = 4n * KiB;
export const ONE_MIB = MiB;

const SUFFIX: Record<string, bigint> = {
  K: KiB,
  M: MiB,
  G: GiB,
  T: TiB,
  P: 1024n * TiB,
  E: 1024n * 1024n * TiB,
};

const HEX = /^0x[0-9a-f]+$/i;
const DEC = /^[0-9]+$/;
const SUFFIXED = /^([0-9]+)\s*([KMGTPE])(?:i?B)?$/i;

/** Largest value a 64-bit physical address or size can take. */
export const U64_MAX = (1n << 64n) - 1n;

export type QuantityResult = { ok: true; value: bigint } | { ok: false; reason: string };

/**
 * Reads an address or size: hex ("0x40000000"), decimal bytes ("4096"), or a binary
 * suffix ("64K", "512M", "1G", "2TiB"). Numbers are taken only while they are exact.
 */
export function parseQuantity(input: unknown): QuantityResult {
  if (typeof input === "bigint") return inRange(input, String(input));
  if (typeof input === "number") {
    if (!Number.isSafeInteger(input) || input < 0) {
      return {
        ok: false,
        reason: `${input} is not an exact non-negative integer: write it as a hex string`,
      };
    }
    return { ok: true, value: BigInt(input) };
  }
  if (typeof input !== "string")
    return { ok: false, reason: `${describe(input)} is not an address or size` };
  const text = input.trim();
  if (HEX.test(text) || DEC.test(text)) return inRange(BigInt(text), input);
  const m = SUFFIXED.exec(text);
  if (m) {
    const unit = SUFFIX[m[2]!.toUpperCase()]!;
    return inRange(BigInt(m[1]!) * unit, input);
  }
  return {
    ok: false,
    reason: `${JSON.stringify(input)} is not a size (use hex like "0x40000000" or a size like "512M")`,
  };
}

function inRange(value: bigint, shown: string): QuantityResult {
  if (value < 0n) return { ok: false, reason: `${JSON.stringify(shown)} is negative` };
  if (value > U64_MAX)
    return { ok: false, reason: `${JSON.stringify(shown)} does not fit in 64 bits` };
  return { ok: true, value };
}

/** Parses a quantity or throws: for literals in code and tests, never for user input. */
export function q(input: string | number): bigint {
  const r = parseQuantity(input);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

export function hex(value: bigint | number): string {
  return "0x" + value.toString(16);
}

/** "512 MiB", "1.5 GiB", "64 KiB", "4097 B": for people, not for files. */
export function humanSize(value: bigint): string {
  const units: [bigint, string][] = [
    [TiB, "TiB"],
    [GiB, "GiB"],
    [MiB, "MiB"],
    [KiB, "KiB"],
  ];
  for (const [unit, name] of units) {
    if (value >= unit) {
      const whole = value / unit;
      const tenths = ((value % unit) * 10n) / unit;
      return tenths === 0n ? `${whole} ${name}` : `${whole}.${tenths} ${name}`;
    }
  }
  return `${value} B`;
}

/**
 * Size as the kernel reads it in mem= and memmap=: the largest exact binary suffix
 * ("512M", "64K", "1G"), else hex bytes.
 */
export function kernelSize(value: bigint): string {
  if (value === 0n) return "0";
  for (const [suffix, unit] of [
    ["G", GiB],
    ["M", MiB],
    ["K", KiB],
  ] as const) {
    if (value % unit === 0n) return `${value / unit}${suffix}`;
  }
  return hex(value);
}

export function alignUp(value: bigint, align: bigint): bigint {
  return ((value + align - 1n) / align) * align;
}

export function alignDown(value: bigint, align: bigint): bigint {
  return (value / align) * align;
}

export function rangeEnd(r: { start: bigint; size: bigint }): bigint {
  return r.start + r.size;
}

export function overlaps(
  a: { start: bigint; size: bigint },
  b: { start: bigint; size: bigint },
): boolean {
  return a.start < b.start + b.size && b.start < a.start + a.size;
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}
