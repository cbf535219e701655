// Loader.describeCommands for the direct loader: it runs no command to load a successor (it
// writes the pages itself, through /dev/mem) and one to start it (the APIC helper's
// INIT-SIPI-SIPI). So each successor's description carries describeDirect's account of the
// writes and the MP table, and `start` the helper's argv. The kernel's header decides where
// things go, so the kernel file is read (its header only) and the initrd's size looked at
// (describeDirectFromFiles).
import type { BootPlan, LoaderCommandPlan, LoaderCommands, SuccessorPlan } from "@tessera/core";
import { LoaderFailure } from "../errors";
import { describeDirectFromFiles } from "./image-files";
import { isDirectPlan } from "./plan-shape";

export interface DirectDescribeOptions {
  /** The APIC helper's path; null while the loader has not built it yet (a placeholder then). */
  helper: string | null;
  devMem: string;
  /** Room above the initrd, as the loader keeps it. */
  margin?: bigint;
}

/** Shown instead of the helper's path until the loader builds it (mode "template"). */
export const HELPER_PLACEHOLDER = "<tessera-apic>";

async function describeOne(s: SuccessorPlan, o: DirectDescribeOptions): Promise<LoaderCommands> {
  const refused = (problem: string): LoaderCommands => ({
    name: s.name,
    load: null,
    start: [],
    problem,
  });
  if (!isDirectPlan(s))
    return refused(
      `${s.name}'s plan has no direct part (mailbox, MP table): it was not planned for the direct loader`,
    );
  try {
    const d = await describeDirectFromFiles(s, o.margin);
    return {
      name: s.name,
      // Loading runs no command: the loader writes `direct.writes` itself.
      load: [],
      start: [[o.helper ?? HELPER_PLACEHOLDER, "--mem", o.devMem, ...d.helperArgs.start]],
      problem: null,
      direct: { writes: d.writes, mpTable: d.mpTable, lines: d.lines },
    };
  } catch (err) {
    // No kernel, an unreadable or unusable one, a range the layout cannot use.
    if (err instanceof LoaderFailure) return refused(err.message);
    throw err;
  }
}

/**
 * Mode "run" when the helper's path is known (given in the loader's options, or built), else
 * "template": the helper's path shows as a placeholder.
 */
export async function describeDirectCommands(
  plan: BootPlan,
  o: DirectDescribeOptions,
): Promise<LoaderCommandPlan> {
  return {
    mode: o.helper === null ? "template" : "run",
    commands: await Promise.all(plan.successors.map((s) => describeOne(s, o))),
  };
}
