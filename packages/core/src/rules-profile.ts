// Rules about the profile as a whole and the command lines (SPEC.md: PROFILE-*, CMDLINE-*,
// and the live file checks).
import { ownEntry } from "./own-entry";
import { DEFAULT_CMDLINE_SIZE, DEFAULT_OWNERSHIP_OPTION, reservedIn } from "./cmdline";
import { withUserCmdline } from "./boot-options";
import { instanceLabel, report, type Ctx } from "./rule-context";
import { instanceOptions } from "./instance-options";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

export function checkProfile(ctx: Ctx): void {
  for (let i = 0; i < ctx.p.instances.length; i++) checkProfileOf(ctx, i);
}

/** What checkProfile reports about instance i (it reports nothing else). */
export function checkProfileOf(ctx: Ctx, i: number): void {
  const ownership = ctx.opts.ownershipOption ?? DEFAULT_OWNERSHIP_OPTION;
  const inst = ctx.p.instances[i]!;
  {
    const path = `instances[${i}]`;
    // The first instance of this name: an earlier one makes this one a duplicate.
    const first = ctx.p.instances.findIndex((x) => x.name === inst.name);
    if (first < i) {
      report(
        ctx,
        "PROFILE-NAME-DUP",
        i,
        `${path}.name`,
        `Two instances are named ${JSON.stringify(inst.name)} (instances ${first + 1} and ${i + 1}).`,
        `Rename one of them, e.g. ${JSON.stringify(`os${i + 1}`)}.`,
      );
    }
    if (!NAME.test(inst.name)) {
      report(
        ctx,
        "PROFILE-NAME-INVALID",
        i,
        `${path}.name`,
        `${JSON.stringify(inst.name)} is not a usable instance name: it names the instance to the loader and in URLs.`,
        "Use 1-32 letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. os2).",
      );
    }
    for (const t of reservedIn(inst.cmdline ?? "", ownership)) {
      report(
        ctx,
        "CMDLINE-RESERVED",
        i,
        `${path}.cmdline`,
        `${instanceLabel(ctx, i)}'s command line sets ${t.text}, which Tessera writes itself from the layout.`,
        `Remove ${t.text}: cores, memory and devices come from the layout (change them there).`,
      );
    }
    checkCmdlineLength(ctx, i);
    // OS1's kernel and initrd (when the profile names them) go into its boot entry.
    checkFiles(ctx, i);
  }
}

/**
 * Whether instance i's last findings of checkProfileOf still hold (the incremental check
 * asks when i's strings and every name are unchanged): they read i's kernel options too,
 * which the check reuses, as the same array, exactly when nothing they are built from moved.
 */
export function profileStillHolds(now: Ctx, last: Ctx, i: number): boolean {
  return now.options[i] !== undefined && now.options[i] === last.options[i];
}

function checkCmdlineLength(ctx: Ctx, i: number): void {
  const inst = ctx.p.instances[i]!;
  const kernel = inst.kernel ? ownEntry(ctx.facts.kernels, inst.kernel) : undefined;
  const limit = kernel?.cmdlineSize ?? DEFAULT_CMDLINE_SIZE;
  const line = withUserCmdline(instanceOptions(ctx, i), inst.cmdline);
  // The buffer holds the terminating NUL too.
  if (line.length + 1 > limit) {
    const own = (inst.cmdline ?? "").length;
    report(
      ctx,
      "CMDLINE-TOO-LONG",
      i,
      `instances[${i}].cmdline`,
      `${instanceLabel(ctx, i)}'s command line is ${line.length} bytes; the kernel takes at most ${limit - 1}${kernel ? "" : " (2048 when its header is not known)"}.`,
      own > 0
        ? `Shorten the extra options (${own} bytes) or give the instance fewer devices or memory ranges.`
        : "Give the instance fewer devices or memory ranges.",
    );
  }
}

function checkFiles(ctx: Ctx, i: number): void {
  const inst = ctx.p.instances[i]!;
  const missing = new Set(ctx.facts.missingFiles ?? []);
  for (const key of ["kernel", "initrd"] as const) {
    const file = inst[key];
    if (file && ctx.facts.deniedFiles?.includes(file)) {
      notAllowed(ctx, i, key, file);
      continue;
    }
    if (file && missing.has(file)) {
      report(
        ctx,
        "FILE-MISSING",
        i,
        `instances[${i}].${key}`,
        `${instanceLabel(ctx, i)}'s ${key} ${file} does not exist or cannot be read on this host.`,
        `Check the path, or copy the ${key} to ${file}.`,
      );
    }
  }
  const problem = inst.kernel ? ownEntry(ctx.facts.kernelProblems, inst.kernel) : undefined;
  if (problem) {
    report(
      ctx,
      "KERNEL-UNUSABLE",
      i,
      `instances[${i}].kernel`,
      `${instanceLabel(ctx, i)}'s kernel ${inst.kernel} cannot ${i === 0 ? "be booted" : "start a successor"}: ${problem}`,
      i === 0
        ? "Use a bzImage, e.g. the distribution's /boot/vmlinuz-*."
        : "Use a relocatable bzImage (boot protocol 2.10 or later), e.g. the distribution's /boot/vmlinuz-*.",
    );
  }
}

// One message for every path outside the allowed directories, whatever is there: the
// answer must not tell a viewer whether a file exists.
function notAllowed(ctx: Ctx, i: number, key: "kernel" | "initrd", file: string): void {
  const dirs = ctx.facts.fileDirs ?? [];
  report(
    ctx,
    "FILE-NOT-ALLOWED",
    i,
    `instances[${i}].${key}`,
    `${instanceLabel(ctx, i)}'s ${key} ${file} is not in a directory this agent reads kernels and initrds from.`,
    dirs.length
      ? `Put the file under ${dirs.join(" or ")} (the agent's --kernel-dir) and name it there.`
      : "Put the file in a directory the agent's --kernel-dir allows and name it there.",
  );
}
