// How big a profile may be, derived from the machine it is for: a profile larger than the
// machine can hold is never useful, and validating one (150,000 cores, say) would keep the
// agent busy for seconds. Checked on the JSON as it arrives, before anything else reads it.
import type { Machine } from "@tessera/core";
import { AgentError } from "../errors";

export interface ProfileLimits {
  instances: number;
  cpusPerInstance: number;
  rangesPerInstance: number;
  devicesPerInstance: number;
}

export function profileLimits(m: Machine): ProfileLimits {
  const cores = Math.max(1, m.cpus.length);
  return {
    // Every instance needs a core of its own.
    instances: cores,
    // A core may be listed once (more is an error the validator names, within the bound).
    cpusPerInstance: cores,
    // As many ranges as the firmware map has regions, and room to split them.
    rangesPerInstance: m.memoryMap.length + 16,
    devicesPerInstance: m.devices.length,
  };
}

function tooMany(path: string, n: number, max: number, what: string): never {
  const message = `${path}: ${n} entries; this machine allows at most ${max} (${what})`;
  throw new AgentError("BODY-INVALID", { message, path, errors: [{ path, message }] });
}

const len = (v: unknown): number => (Array.isArray(v) ? v.length : 0);

/** Refuses (400 BODY-INVALID with the path) a profile JSON larger than the machine allows. */
export function checkProfileSize(json: unknown, m: Machine, prefix: string): void {
  const l = profileLimits(m);
  const at = (p: string) => (prefix ? `${prefix}.${p}` : p);
  const instances = (json as { instances?: unknown } | null)?.instances;
  if (len(instances) > l.instances)
    tooMany(at("instances"), len(instances), l.instances, "one per core");
  if (!Array.isArray(instances)) return;
  instances.forEach((inst: Record<string, unknown> | null, i) => {
    const p = (k: string) => at(`instances[${i}].${k}`);
    if (len(inst?.cpus) > l.cpusPerInstance)
      tooMany(p("cpus"), len(inst?.cpus), l.cpusPerInstance, "its cores");
    if (len(inst?.memory) > l.rangesPerInstance)
      tooMany(p("memory"), len(inst?.memory), l.rangesPerInstance, "its memory map's regions + 16");
    if (len(inst?.devices) > l.devicesPerInstance)
      tooMany(p("devices"), len(inst?.devices), l.devicesPerInstance, "its devices");
  });
}
