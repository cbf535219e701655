// Text a profile carries into command lines, OS1's boot entry and file paths (SPEC.md:
// PROFILE-CONTROL-CHAR, FILE-PATH-RELATIVE). A newline in a command line would end the
// `linux` command of the GRUB entry, so every such field is refused with a control
// character in it, wherever it goes. Instance names have their own stricter rule
// (PROFILE-NAME-INVALID).
import { controlCharIn } from "./cmdline";
import { instanceLabel, report, type Ctx } from "./rule-context";

export function checkText(ctx: Ctx): void {
  control(ctx, null, "name", "The profile name", ctx.p.name);
  ctx.p.instances.forEach((inst, i) => {
    const label = instanceLabel(ctx, i);
    control(ctx, i, `instances[${i}].cmdline`, `${label}'s command line`, inst.cmdline);
    for (const key of ["kernel", "initrd"] as const) {
      const path = `instances[${i}].${key}`;
      control(ctx, i, path, `${label}'s ${key} path`, inst[key]);
      relative(ctx, i, path, `${label}'s ${key}`, inst[key]);
    }
  });
  // The plan's options reach OS1's GRUB entry too (the CLI's --os1-kernel, say).
  const o = ctx.opts;
  control(ctx, null, "grubTitle", "The GRUB entry's title", o.grubTitle);
  control(ctx, null, "os1Root", "OS1's root file system id", o.os1Root);
  control(ctx, null, "os1Kernel", "OS1's kernel path", o.os1Kernel);
  control(ctx, null, "os1Initrd", "OS1's initrd path", o.os1Initrd);
  relative(ctx, null, "os1Kernel", "OS1's kernel", o.os1Kernel);
  relative(ctx, null, "os1Initrd", "OS1's initrd", o.os1Initrd);
}

function control(
  ctx: Ctx,
  i: number | null,
  path: string,
  what: string,
  text: string | null | undefined,
): void {
  const bad = text ? controlCharIn(text) : null;
  if (!bad) return;
  report(
    ctx,
    "PROFILE-CONTROL-CHAR",
    i,
    path,
    `${what} has ${bad.words} at character ${bad.index + 1}: in a boot entry or a loader's arguments it would end the command, and what follows would run as another.`,
    "Remove it: options go on one line, separated by spaces; names and paths are plain text.",
  );
}

function relative(
  ctx: Ctx,
  i: number | null,
  path: string,
  what: string,
  file: string | null | undefined,
): void {
  if (!file || file.startsWith("/")) return;
  report(
    ctx,
    "FILE-PATH-RELATIVE",
    i,
    path,
    `${what} ${JSON.stringify(file)} is not an absolute path: the bootloader and the loader would each resolve it against another directory.`,
    `Write the full path, e.g. ${JSON.stringify(`/boot/${file.replace(/^(\.\.?\/)+/, "")}`)}.`,
  );
}
