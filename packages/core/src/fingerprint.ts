// A stable fingerprint of a machine's hardware: what a profile depends on (cores with
// their LAPIC IDs and topology, the firmware memory map, the devices and their identity).
// Online state, names, drivers and discovery notes do not change it.
import type { Machine } from "./model";
import { hex } from "./units";

export function canonicalHardware(m: Machine): string {
  const cpus = [...m.cpus]
    .sort((a, b) => a.apicId - b.apicId)
    .map((c) => `c${c.apicId}:${c.package}:${c.core}:${c.node ?? "-"}:${c.coreType ?? "-"}`);
  const mem = [...m.memoryMap]
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0))
    .map((r) => `m${hex(r.start)}+${hex(r.size)}:${r.type}`);
  const devs = [...m.devices]
    .map((d) => (d.bus === "pci" ? `p${d.id}:${d.vendor}:${d.device}:${d.class}` : `l${d.id}`))
    .sort();
  return [...cpus, ...mem, ...devs].join("|");
}

/** FNV-1a 64-bit over the canonical text, as 16 hex digits. Pure and the same everywhere. */
export function fingerprint(m: Machine): string {
  const text = canonicalHardware(m);
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = (1n << 64n) - 1n;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * prime) & mask;
  }
  return h.toString(16).padStart(16, "0");
}
