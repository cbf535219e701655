// The argv Tessera runs, built in one place: the mint loader spawns these arrays and
// planToShell prints them, so the exported script and the agent can never differ.
import { hex, kernelSize, shLine } from "@tessera/core";
import type { BootPlan, SuccessorPlan } from "@tessera/core";
import type { MintConfig } from "./types";

export const DEFAULT_MINT_CONFIG: Required<Omit<MintConfig, "stopArgs" | "forceStopArgs">> &
  Pick<MintConfig, "stopArgs" | "forceStopArgs"> = {
  binary: "/usr/local/sbin/mint-kexec",
  loadOption: "-l",
  startOption: "-e",
  unloadOption: "-u",
  initrdOption: "--initrd",
  memMinOption: "--mem-min",
  memMaxOption: "--mem-max",
  appendOption: "--append",
  apicIdOption: "--apic-id",
  memmapOption: "--memmap",
  joinValues: true,
  kexecLoadedPath: "/sys/kernel/kexec_loaded",
};

export function mintConfig(config: MintConfig = {}): typeof DEFAULT_MINT_CONFIG {
  const out = { ...DEFAULT_MINT_CONFIG };
  for (const [k, v] of Object.entries(config))
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

export class PlanArgvError extends Error {}

function opt(c: MintConfig, name: string, value: string): string[] {
  return c.joinValues === false ? [name, value] : [`${name}=${value}`];
}

/** One e820 entry as the mint loader reads it: START,SIZE,TYPE (hex, hex, e820 type name). */
export function memmapValue(e: { start: bigint; size: bigint; type: string }): string {
  return `${hex(e.start)},${hex(e.size)},${e.type}`;
}

function requireKernel(s: SuccessorPlan): string {
  if (!s.kernel)
    throw new PlanArgvError(
      `instance ${s.name} has no kernel: set instances[].kernel in the profile`,
    );
  return s.kernel;
}

/**
 * mint load: BIN -l KERNEL [--initrd=INITRD] --mem-min=0x.. --mem-max=0x.. --append=CMDLINE
 *   --apic-id=BSP --memmap=START,SIZE,TYPE ... (one per e820 entry of the successor)
 */
export function mintLoadArgv(s: SuccessorPlan, config: MintConfig = {}): string[] {
  const c = mintConfig(config);
  const argv = [c.binary, c.loadOption, requireKernel(s)];
  if (s.initrd) argv.push(...opt(c, c.initrdOption, s.initrd));
  argv.push(...opt(c, c.memMinOption, hex(s.memMin)));
  argv.push(...opt(c, c.memMaxOption, hex(s.memMax)));
  argv.push(...opt(c, c.appendOption, s.cmdline));
  argv.push(...opt(c, c.apicIdOption, String(s.bsp)));
  for (const e of s.e820) argv.push(...opt(c, c.memmapOption, memmapValue(e)));
  return argv;
}

/** mint start: BIN -e --apic-id=BSP (sends INIT/SIPI to the successor's BSP; OS1 keeps running). */
export function mintStartArgv(s: Pick<SuccessorPlan, "bsp">, config: MintConfig = {}): string[] {
  const c = mintConfig(config);
  return [c.binary, c.startOption, ...opt(c, c.apicIdOption, String(s.bsp))];
}

export function mintUnloadArgv(config: MintConfig = {}): string[] {
  const c = mintConfig(config);
  return [c.binary, c.unloadOption];
}

/** A site's stop step, when configured; {apic} stands for the BSP's LAPIC ID. */
export function mintStopArgv(
  bsp: number,
  force: boolean,
  config: MintConfig = {},
): string[] | null {
  const c = mintConfig(config);
  const args = force ? c.forceStopArgs : c.stopArgs;
  if (!args) return null;
  return [c.binary, ...args.map((a) => a.replaceAll("{apic}", String(bsp)))];
}

/**
 * Stock kexec-tools: `kexec -l KERNEL --initrd=… --mem-min=… --mem-max=… --append=…` then
 * `kexec -e`. It replaces the running kernel: for proofs and single-successor machines.
 */
export function stockKexecArgv(
  s: SuccessorPlan,
  binary = "kexec",
): { load: string[]; exec: string[] } {
  const load = [binary, "-l", requireKernel(s)];
  if (s.initrd) load.push(`--initrd=${s.initrd}`);
  load.push(`--mem-min=${hex(s.memMin)}`, `--mem-max=${hex(s.memMax)}`, `--append=${s.cmdline}`);
  return { load, exec: [binary, "-e"] };
}

/** Text for a `#` comment: a newline in a name must never start a command of its own. */
function comment(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x1f\x7f]/g, " ");
}

function describeSuccessor(s: SuccessorPlan): string[] {
  const ranges = s.memory.map((r) => `${hex(r.start)}+${kernelSize(r.size)}`).join(", ");
  return [
    `# --- OS${s.index}: ${comment(s.name)} ---`,
    `# cores (LAPIC IDs): ${s.cpus.join(",")}; BSP ${s.bsp}; ${s.cpuCount} core(s). They must be offline in OS1.`,
    `# memory: ${ranges}; low slice ${hex(s.lowMemory.start)}+${kernelSize(s.lowMemory.size)} (SIPI vector ${hex(s.sipiVector)})`,
    ...(s.devices.length ? [`# devices: ${comment(s.devices.join(" "))}`] : []),
  ];
}

/**
 * A script an operator can read and run by hand: `set -eu`, one commented block per
 * successor, exactly the argv the mint loader runs (same builder, safely quoted).
 */
export function planToShell(plan: BootPlan, config: MintConfig = {}): string {
  const lines = [
    "#!/bin/sh",
    `# Tessera boot plan for profile ${comment(JSON.stringify(plan.profile))}.`,
    "# Run in OS1, as root, after OS1 has booted with:",
    `#   ${comment(plan.os1.cmdline)}`,
    "# Each block loads one successor into its own range and starts its BSP (mint loader).",
    "set -eu",
  ];
  for (const s of plan.successors) {
    lines.push(
      "",
      ...describeSuccessor(s),
      shLine(mintLoadArgv(s, config)),
      shLine(mintStartArgv(s, config)),
    );
  }
  if (plan.successors.length === 0)
    lines.push("", "# This plan has no successors: nothing to start.");
  return lines.join("\n") + "\n";
}

/** The same plan for stock kexec-tools: only the first successor (stock kexec replaces OS1). */
export function planToStockKexecShell(plan: BootPlan, binary = "kexec"): string {
  const s = plan.successors[0];
  const lines = [
    "#!/bin/sh",
    "# Stock kexec-tools replaces the running kernel: this boots one successor only.",
    "set -eu",
  ];
  if (s) {
    const { load, exec } = stockKexecArgv(s, binary);
    lines.push("", ...describeSuccessor(s), shLine(load), shLine(exec));
  }
  return lines.join("\n") + "\n";
}
