// Reads a successor's kernel and initrd files and builds its images: shared by the loader
// and the CLI's `plan --format sh --loader direct`.
import { readFile } from "node:fs/promises";
import { LoaderFailure } from "../errors";
import { buildDirectImages, type DirectImages } from "./images";
import type { DirectPlan } from "./plan-shape";

async function readFileFor(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new LoaderFailure(
      "LOADER-ENOENT",
      `cannot read the ${what} ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
}

export async function readDirectImages(plan: DirectPlan, margin?: bigint): Promise<DirectImages> {
  if (!plan.kernel)
    throw new LoaderFailure(
      "LOADER-PLAN-INCOMPLETE",
      `${plan.name} has no kernel: the direct loader builds its zero page from the kernel file's header (set instances[].kernel in the profile)`,
    );
  const kernel = await readFileFor(plan.kernel, "kernel");
  const initrd = plan.initrd ? await readFileFor(plan.initrd, "initrd") : null;
  return buildDirectImages({ plan, kernel, initrd, margin, kernelPath: plan.kernel });
}
