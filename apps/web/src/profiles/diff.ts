// What changed between two profiles, per instance, in the operator's terms: cores (LAPIC
// IDs), memory ranges, devices and options. Instances are matched by name.
import type { Instance, Profile, Range } from "@tessera/core";
import { formatIds } from "../editor/model/topology";
import { hexAddr, sizeLabel } from "../editor/model/memory";

export interface InstanceDiff {
  name: string;
  status: "added" | "removed" | "changed";
  lines: { kind: "add" | "remove" | "change"; text: string }[];
}

const rangeText = (r: Range) =>
  `${hexAddr(r.start)}–${hexAddr(r.start + r.size - 1n)} (${sizeLabel(r.size)})`;
const rangeKey = (r: Range) => `${r.start}+${r.size}`;

function diffInstance(a: Instance, b: Instance): InstanceDiff["lines"] {
  const lines: InstanceDiff["lines"] = [];
  const aC = new Set(a.cpus);
  const bC = new Set(b.cpus);
  const addC = b.cpus.filter((c) => !aC.has(c));
  const remC = a.cpus.filter((c) => !bC.has(c));
  if (addC.length) lines.push({ kind: "add", text: `cores ${formatIds(addC)}` });
  if (remC.length) lines.push({ kind: "remove", text: `cores ${formatIds(remC)}` });
  const aR = new Set(a.memory.map(rangeKey));
  const bR = new Set(b.memory.map(rangeKey));
  for (const r of b.memory)
    if (!aR.has(rangeKey(r))) lines.push({ kind: "add", text: `memory ${rangeText(r)}` });
  for (const r of a.memory)
    if (!bR.has(rangeKey(r))) lines.push({ kind: "remove", text: `memory ${rangeText(r)}` });
  const aL = a.lowMemory ? rangeKey(a.lowMemory) : "";
  const bL = b.lowMemory ? rangeKey(b.lowMemory) : "";
  if (aL !== bL) {
    lines.push({
      kind: "change",
      text: `low slice ${a.lowMemory ? rangeText(a.lowMemory) : "none"} → ${b.lowMemory ? rangeText(b.lowMemory) : "none"}`,
    });
  }
  const aD = new Set(a.devices);
  const bD = new Set(b.devices);
  for (const d of b.devices) if (!aD.has(d)) lines.push({ kind: "add", text: `device ${d}` });
  for (const d of a.devices) if (!bD.has(d)) lines.push({ kind: "remove", text: `device ${d}` });
  for (const f of ["kernel", "initrd", "cmdline"] as const) {
    if ((a[f] ?? "") !== (b[f] ?? "")) {
      lines.push({ kind: "change", text: `${f}: "${a[f] ?? ""}" → "${b[f] ?? ""}"` });
    }
  }
  return lines;
}

export function diffProfilesView(a: Profile, b: Profile): InstanceDiff[] {
  const out: InstanceDiff[] = [];
  const byName = new Map(a.instances.map((i) => [i.name, i]));
  const seen = new Set<string>();
  for (const inst of b.instances) {
    seen.add(inst.name);
    const old = byName.get(inst.name);
    if (!old) {
      out.push({
        name: inst.name,
        status: "added",
        lines: diffInstance({ name: inst.name, cpus: [], memory: [], devices: [] }, inst),
      });
      continue;
    }
    const lines = diffInstance(old, inst);
    if (lines.length) out.push({ name: inst.name, status: "changed", lines });
  }
  for (const inst of a.instances) {
    if (!seen.has(inst.name)) out.push({ name: inst.name, status: "removed", lines: [] });
  }
  const order = (p: Profile) => p.instances.map((i) => i.name).join(",");
  if (order(a) !== order(b) && out.length === 0) {
    out.push({
      name: "(order)",
      status: "changed",
      lines: [{ kind: "change", text: `order ${order(a)} → ${order(b)}` }],
    });
  }
  return out;
}
