// Validation and planning for the agent: core's validator and planner, fed with the facts
// only the agent knows (the kernel and initrd files as they are on disk, the cores online
// in OS1 now). The same call serves /api/validate, /api/plan and the check before a start.
import { stat } from "node:fs/promises";
import { plan as corePlan, validate as coreValidate } from "@tessera/core";
import type { Diagnostic, Facts, Machine, PlanOptions, PlanResult, Profile } from "@tessera/core";
import { readKernelFacts } from "@tessera/kexec";

export interface LiveFacts {
  /** LAPIC IDs online in OS1 now; undefined when not known (then CPU-ONLINE is not checked). */
  onlineCpus(): Promise<number[] | undefined>;
  /** OS1's running command line (/proc/cmdline); undefined when not known. */
  os1Cmdline?(): Promise<string | undefined>;
}

type AgentFacts = Facts & { missingFiles?: string[]; kernelProblems?: Record<string, string> };

/**
 * Reads every kernel and initrd the profile names, OS1's included (they go into its GRUB
 * entry): header facts, sizes, what is missing. A successor's kernel must be one the loader
 * can start (relocatable, recent boot protocol); OS1's, which GRUB boots, a bzImage.
 */
export async function fileFacts(profile: Profile): Promise<AgentFacts> {
  const facts: AgentFacts = { kernels: {}, fileSizes: {}, missingFiles: [], kernelProblems: {} };
  const kernels = new Set<string>();
  const successorKernels = new Set<string>();
  const files = new Set<string>();
  profile.instances.forEach((inst, i) => {
    if (inst.kernel) kernels.add(inst.kernel);
    if (inst.kernel && i > 0) successorKernels.add(inst.kernel);
    if (inst.initrd) files.add(inst.initrd);
  });
  await Promise.all([
    ...[...kernels].map(async (path) => {
      const r = await readKernelFacts(path);
      if (r.ok) {
        facts.kernels![path] = r.facts;
        if (!r.inspection.usable && successorKernels.has(path))
          facts.kernelProblems![path] = r.inspection.problems.map((p) => p.message).join("; ");
      } else if (/no such file/.test(r.reason)) facts.missingFiles!.push(path);
      else facts.kernelProblems![path] = r.reason;
    }),
    ...[...files].map(async (path) => {
      try {
        const st = await stat(path);
        facts.fileSizes![path] = BigInt(st.size);
      } catch {
        facts.missingFiles!.push(path);
      }
    }),
  ]);
  return facts;
}

export async function gatherFacts(profile: Profile, live?: LiveFacts): Promise<Facts> {
  const facts = await fileFacts(profile);
  const [online, cmdline] = await Promise.all([live?.onlineCpus(), live?.os1Cmdline?.()]);
  if (online) facts.onlineCpus = online;
  if (cmdline !== undefined) facts.os1Cmdline = cmdline;
  return facts;
}

/** The options every plan of this agent is made with: its loader decides OS1's and the successors' options. */
export function planOptions(loader: string): PlanOptions {
  return loader === "direct" ? { loader: "direct" } : {};
}

export function validateLayout(
  machine: Machine,
  profile: Profile,
  facts: Facts,
  opts: PlanOptions = {},
): Diagnostic[] {
  return coreValidate(machine, profile, facts, opts);
}

export function planLayout(
  machine: Machine,
  profile: Profile,
  facts: Facts,
  opts: PlanOptions = {},
): PlanResult {
  return corePlan(machine, profile, facts, opts);
}

export function hasErrors(diags: Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "error");
}
