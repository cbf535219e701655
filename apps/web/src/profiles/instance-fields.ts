// Each field of an instance as the history diff and the three-way merge show it: core's
// INSTANCE_FIELDS, so a field the model gains (OS1's root) is compared and merged, never
// silently dropped. The Record types make a missing label or a missing form a type error.
import { INSTANCE_FIELDS, type Instance, type InstanceField } from "@tessera/core";
import { rangeLabel } from "../editor/model/memory";
import { formatIds } from "../editor/model/topology";

export { INSTANCE_FIELDS };
export type { InstanceField };

const LABEL: Record<InstanceField, string> = {
  name: "name",
  cpus: "cores",
  memory: "memory",
  lowMemory: "low slice",
  devices: "devices",
  kernel: "kernel",
  initrd: "initrd",
  root: "root",
  cmdline: "command line",
};

const SHOW: Record<InstanceField, (i: Instance) => string> = {
  name: (i) => i.name,
  cpus: (i) => (i.cpus.length ? `${formatIds(i.cpus)} (${i.cpus.length})` : "—"),
  memory: (i) => i.memory.map(rangeLabel).join(", ") || "—",
  lowMemory: (i) => (i.lowMemory ? rangeLabel(i.lowMemory) : "—"),
  devices: (i) => [...i.devices].sort().join(", ") || "—",
  kernel: (i) => i.kernel ?? "—",
  initrd: (i) => i.initrd ?? "—",
  root: (i) => i.root ?? "—",
  cmdline: (i) => i.cmdline ?? "—",
};

export const instanceFieldLabel = (f: InstanceField): string => LABEL[f];
export const showInstanceField = (i: Instance, f: InstanceField): string => SHOW[f](i);
