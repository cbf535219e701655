// The facts only the agent knows, for core's validate() and plan(): the kernel and initrd
// files as they are on disk, the cores online in OS1 now, OS1's running command line, and
// the options this agent's loader plans with. The same facts serve /api/validate,
// /api/plan, OS1's boot entry and the check before a start.
import type { Facts, PlanOptions, Profile } from "@tessera/core";
import { isAbsolute } from "node:path";
import { inspectKernelBytes, kernelFacts } from "@tessera/kexec";
import { lookAtFile, type FileAccess, type FileLook } from "./file-checks";

export interface LiveFacts {
  /** LAPIC IDs online in OS1 now; undefined when not known (then CPU-ONLINE is not checked). */
  onlineCpus(): Promise<number[] | undefined>;
  /** OS1's running command line (/proc/cmdline); undefined when not known. */
  os1Cmdline?(): Promise<string | undefined>;
}

type AgentFacts = Facts & { missingFiles?: string[]; kernelProblems?: Record<string, string> };

// Enough of a kernel image for its header and format checks (packages/kexec reads as much).
const KERNEL_HEAD_BYTES = 64 * 1024;

/**
 * Looks at every kernel and initrd the profile names, OS1's included (they go into its GRUB
 * entry), through lookAtFile (allowed directories only, no FIFO or device ever opened, a
 * time limit): header facts, sizes, what is missing or outside the allowed directories. A
 * successor's kernel must be one the loader can start (relocatable, recent boot protocol);
 * OS1's, which GRUB boots, a bzImage.
 */
export async function fileFacts(profile: Profile, access: FileAccess): Promise<AgentFacts> {
  const facts: AgentFacts = {
    kernels: {},
    fileSizes: {},
    missingFiles: [],
    kernelProblems: {},
    deniedFiles: [],
    fileDirs: access.dirs,
  };
  const kernels = new Set<string>();
  const successorKernels = new Set<string>();
  const files = new Set<string>();
  // A relative path is not looked at: core refuses it (FILE-PATH-RELATIVE), once.
  const named = (p: string | undefined): p is string => Boolean(p && isAbsolute(p));
  profile.instances.forEach((inst, i) => {
    if (named(inst.kernel)) kernels.add(inst.kernel);
    if (named(inst.kernel) && i > 0) successorKernels.add(inst.kernel);
    if (named(inst.initrd)) files.add(inst.initrd);
  });
  const refused = (path: string, look: FileLook): boolean => {
    if (look.ok) return false;
    if (look.kind === "not-allowed") facts.deniedFiles!.push(path);
    else facts.missingFiles!.push(path);
    return true;
  };
  await Promise.all([
    ...[...kernels].map(async (path) => {
      const look = await lookAtFile(path, access, KERNEL_HEAD_BYTES);
      if (!look.ok) {
        if (look.kind === "unreadable") facts.kernelProblems![path] = `it ${look.reason}`;
        else refused(path, look);
        return;
      }
      const inspection = inspectKernelBytes(look.head, look.size);
      if (!inspection.header) {
        facts.kernelProblems![path] = inspection.problems.map((p) => p.message).join("; ");
        return;
      }
      facts.kernels![path] = kernelFacts(inspection.header);
      if (!inspection.usable && successorKernels.has(path))
        facts.kernelProblems![path] = inspection.problems.map((p) => p.message).join("; ");
    }),
    ...[...files].map(async (path) => {
      const look = await lookAtFile(path, access, 0);
      if (!refused(path, look) && look.ok) facts.fileSizes![path] = BigInt(look.size);
    }),
  ]);
  return facts;
}

export async function gatherFacts(
  profile: Profile,
  access: FileAccess,
  live?: LiveFacts,
): Promise<Facts> {
  const facts = await fileFacts(profile, access);
  const [online, cmdline] = await Promise.all([live?.onlineCpus(), live?.os1Cmdline?.()]);
  if (online) facts.onlineCpus = online;
  if (cmdline !== undefined) facts.os1Cmdline = cmdline;
  return facts;
}

/**
 * The options every plan of this agent is made with: its loader decides OS1's and the
 * successors' options; what the running OS1 booted with fills OS1's GRUB entry where the
 * profile leaves its kernel, initrd or root empty.
 */
export function planOptions(
  loader: string,
  os1?: { kernel: string | null; initrd: string | null; root: string | null },
): PlanOptions {
  const o: PlanOptions = loader === "direct" ? { loader: "direct" } : {};
  if (os1?.kernel) o.os1Kernel = os1.kernel;
  if (os1?.initrd) o.os1Initrd = os1.initrd;
  if (os1?.root) o.os1Root = os1.root;
  return o;
}
