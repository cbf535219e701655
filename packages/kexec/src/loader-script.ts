// The script of POST /api/plan's format "sh": what the agent's loader does, by hand. The
// command-running loaders' script is their described argv (commandsToShell); the direct
// loader's writes pages itself, so its script is planToDirectShell over the images built
// from each successor's kernel and initrd files.
import type { BootPlan, LoaderCommandPlan } from "@tessera/core";
import { commandsToShell } from "./argv";
import { LoaderFailure } from "./errors";
import { planToDirectShell, DirectShellError } from "./direct/direct-shell";
import { readDirectImages } from "./direct/image-files";
import type { DirectImages } from "./direct/images";
import { isDirectPlan } from "./direct/plan-shape";
import type { Loader } from "./types";

export type ScriptResult = { script: string; problem: null } | { script: null; problem: string };

async function directScript(plan: BootPlan): Promise<ScriptResult> {
  const images: Record<string, DirectImages> = {};
  for (const s of plan.successors) {
    if (!isDirectPlan(s))
      return {
        script: null,
        problem: `${s.name}'s plan has no direct part: it was not planned for the direct loader`,
      };
    try {
      images[s.name] = await readDirectImages(s);
    } catch (err) {
      if (err instanceof LoaderFailure) return { script: null, problem: err.message };
      throw err;
    }
  }
  try {
    return { script: planToDirectShell(plan, images), problem: null };
  } catch (err) {
    if (err instanceof DirectShellError) return { script: null, problem: err.message };
    throw err;
  }
}

/** The script for `loader`, given the commands it described for `plan`. */
export async function loaderScript(
  loader: Pick<Loader, "kind">,
  plan: BootPlan,
  described: LoaderCommandPlan,
): Promise<ScriptResult> {
  if (loader.kind === "direct") return directScript(plan);
  return commandsToShell(plan, described, loader.kind);
}
