// The facts only the agent knows, for core's validate() and plan(): the kernel and initrd
// files as they are on disk, the cores online in OS1 now. The same facts serve
// /api/validate, /api/plan, OS1's boot entry and the check before a start.
import { stat } from "node:fs/promises";
import type { Facts, Profile } from "@tessera/core";
import { readKernelFacts } from "@tessera/kexec";

export interface LiveFacts {
  /** LAPIC IDs online in OS1 now; undefined when not known (then CPU-ONLINE is not checked). */
  onlineCpus(): Promise<number[] | undefined>;
}

type AgentFacts = Facts & { missingFiles?: string[]; kernelProblems?: Record<string, string> };

/** Reads every kernel and initrd the profile names: header facts, sizes, what is missing. */
export async function fileFacts(profile: Profile): Promise<AgentFacts> {
  const facts: AgentFacts = { kernels: {}, fileSizes: {}, missingFiles: [], kernelProblems: {} };
  const kernels = new Set<string>();
  const files = new Set<string>();
  for (const inst of profile.instances.slice(1)) {
    if (inst.kernel) kernels.add(inst.kernel);
    if (inst.initrd) files.add(inst.initrd);
  }
  await Promise.all([
    ...[...kernels].map(async (path) => {
      const r = await readKernelFacts(path);
      if (r.ok) {
        facts.kernels![path] = r.facts;
        if (!r.inspection.usable)
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
  const online = await live?.onlineCpus();
  if (online) facts.onlineCpus = online;
  return facts;
}
