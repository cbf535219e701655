// PCI configuration space: header fields and the capability list (PCI 3.0 §6.7).
// Pure functions over the bytes sysfs `config` returns: 256 or 4096 bytes for root, only the
// first 64 (the standard header) for anyone else.
import type { PciPin } from "@tessera/core";

export const CAP_NAMES: Record<number, string> = {
  0x01: "pm",
  0x02: "agp",
  0x03: "vpd",
  0x04: "slot-id",
  0x05: "msi",
  0x06: "compact-pci-hotswap",
  0x07: "pci-x",
  0x08: "hypertransport",
  0x09: "vendor",
  0x0a: "debug-port",
  0x0b: "compact-pci-crc",
  0x0c: "hotplug",
  0x0d: "subsystem-vendor",
  0x0e: "agp8x",
  0x0f: "secure-device",
  0x10: "pcie",
  0x11: "msix",
  0x12: "sata",
  0x13: "af",
  0x14: "enhanced-allocation",
  0x15: "flattening-portal-bridge",
};

export interface ConfigHeader {
  vendor: number;
  device: number;
  class: number;
  headerType: number;
  subsystemVendor: number | null;
  subsystemDevice: number | null;
  pin: PciPin | null;
}

export type CapabilityWalk =
  | { ok: true; ids: number[] }
  | { ok: false; ids: number[]; reason: "truncated" | "loop" | "bad-pointer"; at: number };

/** Fields of the standard header; null when fewer than 64 bytes were given. */
export function readHeader(cfg: Uint8Array): ConfigHeader | null {
  if (cfg.length < 64) return null;
  const u16 = (o: number) => cfg[o]! | (cfg[o + 1]! << 8);
  const headerType = cfg[0x0e]! & 0x7f;
  const pinRaw = cfg[0x3d]!;
  return {
    vendor: u16(0),
    device: u16(2),
    class: (cfg[0x0b]! << 16) | (cfg[0x0a]! << 8) | cfg[0x09]!,
    headerType,
    // Type 0 headers carry the subsystem ids at 0x2c; bridges keep them in a capability.
    subsystemVendor: headerType === 0 ? u16(0x2c) : null,
    subsystemDevice: headerType === 0 ? u16(0x2e) : null,
    pin: pinRaw >= 1 && pinRaw <= 4 ? (["A", "B", "C", "D"] as const)[pinRaw - 1]! : null,
  };
}

/**
 * Walks the capability list from 0x34. Stops (and says why) when a pointer leaves the bytes
 * at hand (a non-root read of 64 bytes), points into the header, or loops.
 */
export function walkCapabilities(cfg: Uint8Array): CapabilityWalk {
  const ids: number[] = [];
  if (cfg.length < 64) return { ok: false, ids, reason: "truncated", at: 0 };
  const status = cfg[0x06]! | (cfg[0x07]! << 8);
  if ((status & 0x10) === 0) return { ok: true, ids };
  const headerType = cfg[0x0e]! & 0x7f;
  let ptr = (headerType === 2 ? cfg[0x14]! : cfg[0x34]!) & 0xfc;
  const seen = new Set<number>();
  while (ptr !== 0) {
    if (ptr < 0x40) return { ok: false, ids, reason: "bad-pointer", at: ptr };
    if (ptr + 1 >= cfg.length) return { ok: false, ids, reason: "truncated", at: ptr };
    if (seen.has(ptr) || seen.size > 48) return { ok: false, ids, reason: "loop", at: ptr };
    seen.add(ptr);
    ids.push(cfg[ptr]!);
    ptr = cfg[ptr + 1]! & 0xfc;
  }
  return { ok: true, ids };
}

export function capabilityName(id: number): string {
  return CAP_NAMES[id] ?? `cap-0x${id.toString(16).padStart(2, "0")}`;
}

/**
 * The capability IDs as discovery uses them: null when the bytes stop before the list ends (a
 * 64-byte non-root read), so nothing can be said; a looping or header-pointing list keeps the
 * ids read so far and says why in `problem`.
 */
export function capabilityIds(cfg: Uint8Array): {
  ids: number[] | null;
  truncated: boolean;
  problem: string | null;
} {
  const walk = walkCapabilities(cfg);
  if (walk.ok) return { ids: walk.ids, truncated: false, problem: null };
  if (walk.reason === "truncated") return { ids: null, truncated: true, problem: null };
  return {
    ids: walk.ids,
    truncated: false,
    problem: `capability list ${walk.reason === "loop" ? "loops" : "points into the header"} at 0x${walk.at.toString(16)}`,
  };
}

/** MSI (0x05) and MSI-X (0x11) from capability IDs; null each when the list was not readable. */
export function msiSupport(ids: number[] | null): { msi: boolean | null; msix: boolean | null } {
  return ids === null
    ? { msi: null, msix: null }
    : { msi: ids.includes(0x05), msix: ids.includes(0x11) };
}
