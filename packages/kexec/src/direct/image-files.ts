// Reads a successor's kernel and initrd files and builds its images: shared by the loader
// and the CLI's `plan --format sh --loader direct`; describes them for the boot preview.
import { readFile, stat } from "node:fs/promises";
import { inspectKernelBytes, inspectKernelFile } from "../bzimage";
import { isStandInKernel, standInRefusal } from "../stand-in-kernel";
import { LoaderFailure } from "../errors";
import { describeDirect, type DirectDescription } from "./describe";
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
  if (isStandInKernel(inspectKernelBytes(kernel).header))
    throw standInRefusal(plan.kernel, "direct");
  const initrd = plan.initrd ? await readFileFor(plan.initrd, "initrd") : null;
  return buildDirectImages({
    plan,
    kernel,
    initrd,
    margin,
    kernelPath: plan.kernel,
    initrdPath: plan.initrd ?? undefined,
  });
}

/** describeDirect from the files the plan names (the header and the sizes; nothing else read). */
export async function describeDirectFromFiles(
  plan: DirectPlan,
  margin?: bigint,
): Promise<DirectDescription> {
  if (!plan.kernel)
    throw new LoaderFailure("LOADER-PLAN-INCOMPLETE", `${plan.name} has no kernel to describe`);
  const r = await inspectKernelFile(plan.kernel);
  if (!r.ok) throw new LoaderFailure("LOADER-ENOENT", r.reason);
  if (isStandInKernel(r.inspection.header)) throw standInRefusal(plan.kernel, "direct");
  if (!r.inspection.usable || !r.inspection.header)
    throw new LoaderFailure(
      "LOADER-KERNEL",
      `${plan.kernel}: ${r.inspection.problems.map((p) => p.message).join("; ")}`,
    );
  let initrdBytes = 0;
  if (plan.initrd) {
    try {
      initrdBytes = (await stat(plan.initrd)).size;
    } catch (err) {
      throw new LoaderFailure(
        "LOADER-ENOENT",
        `cannot read the initrd ${plan.initrd} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
  }
  const header = r.inspection.header;
  return describeDirect(plan, { header, fileBytes: header.fileSize }, initrdBytes, margin);
}
