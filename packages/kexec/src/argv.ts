// The argv Tessera runs, built in one place: the mint loader spawns these arrays and
// planToShell prints them, so the exported script and the agent can never differ.
import { hex, kernelSize, shLine } from "@tessera/core";
import type { BootPlan, LoaderCommandPlan, LoaderCommands, SuccessorPlan } from "@tessera/core";
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
  // eslint-disable-next-line no-control-regex -- control characters are exactly what it removes
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
 * The mint loader's commands for every successor of a plan (what createMintLoader runs;
 * the dry-run loader describes these as the ones it simulates). A successor whose plan
 * lacks what loading needs gets `load: null` and the reason.
 */
export function mintCommands(plan: BootPlan, config: MintConfig = {}): LoaderCommands[] {
  return plan.successors.map((s) => {
    const start = [mintStartArgv(s, config)];
    try {
      return { name: s.name, load: [mintLoadArgv(s, config)], start, problem: null };
    } catch (err) {
      if (!(err instanceof PlanArgvError)) throw err;
      return { name: s.name, load: null, start, problem: err.message };
    }
  });
}

/**
 * A script an operator can read and run by hand: `set -eu`, one commented block per
 * successor, exactly the argv a loader described (safely quoted). Null, with the reason,
 * when the commands cannot run as written: a successor lacks what loading needs, or the
 * loader only knows some values while loading (mode "template").
 */
export function commandsToShell(
  plan: BootPlan,
  described: LoaderCommandPlan,
  loader: string,
): { script: string; problem: null } | { script: null; problem: string } {
  const missing = described.commands.find((c) => c.problem !== null || c.load === null);
  if (missing) return { script: null, problem: missing.problem ?? `${missing.name} cannot load` };
  if (described.mode === "template")
    return {
      script: null,
      problem: `the ${loader} loader learns some values only while loading (shown as <placeholders>): start the instances from the agent`,
    };
  const lines = [
    "#!/bin/sh",
    `# Tessera boot plan for profile ${comment(JSON.stringify(plan.profile))}.`,
    "# Run in OS1, as root, after OS1 has booted with:",
    `#   ${comment(plan.os1.cmdline)}`,
    described.mode === "simulated"
      ? `# The agent runs the ${loader} loader, which boots nothing: these are the mint loader's commands it simulates.`
      : `# Each block loads one successor into its own range and starts its BSP (${loader} loader).`,
    "set -eu",
  ];
  for (const s of plan.successors) {
    const c = described.commands.find((x) => x.name === s.name);
    if (!c) continue;
    lines.push("", ...describeSuccessor(s), ...(c.load ?? []).map(shLine), ...c.start.map(shLine));
  }
  if (plan.successors.length === 0)
    lines.push("", "# This plan has no successors: nothing to start.");
  return { script: lines.join("\n") + "\n", problem: null };
}

/** The mint loader's script for a plan (`tessera plan --format sh`); throws PlanArgvError. */
export function planToShell(plan: BootPlan, config: MintConfig = {}): string {
  const r = commandsToShell(plan, { mode: "run", commands: mintCommands(plan, config) }, "mint");
  if (r.script === null) throw new PlanArgvError(r.problem);
  return r.script;
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
