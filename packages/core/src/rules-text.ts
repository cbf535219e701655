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
    control(ctx, i, `instances[${i}].root`, `${label}'s root`, inst.root);
    checkRoot(ctx, i);
  });
  // The plan's options reach OS1's GRUB entry too (the CLI's --os1-kernel, say).
  const o = ctx.opts;
  control(ctx, null, "grubTitle", "The GRUB entry's title", o.grubTitle);
  control(ctx, null, "os1Root", "OS1's root= value", o.os1Root);
  control(ctx, null, "os1Kernel", "OS1's kernel path", o.os1Kernel);
  control(ctx, null, "os1Initrd", "OS1's initrd path", o.os1Initrd);
  relative(ctx, null, "os1Kernel", "OS1's kernel", o.os1Kernel);
  if (o.os1Root !== undefined && /\s/.test(o.os1Root))
    report(
      ctx,
      "OS1-ROOT-FIELD",
      null,
      "os1Root",
      `OS1's root= value ${JSON.stringify(o.os1Root)} is more than one word: the GRUB entry would pass the kernel the rest as other options.`,
      "Give only the value, e.g. UUID=0a1b2c3d-… or /dev/sda2.",
    );
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

/** root= of OS1's command line, when its own command line names one. */
export function cmdlineRoot(cmdline: string | undefined): string | undefined {
  const word = (cmdline ?? "").split(/\s+/).find((w) => w.startsWith("root="));
  return word?.slice("root=".length);
}

// OS1-ROOT-FIELD: the root field is OS1's kernel's root=, written into its GRUB entry. A
// successor's root= is part of its own command line; two roots for OS1 would leave the
// kernel to pick the last one, so the profile must say one.
function checkRoot(ctx: Ctx, i: number): void {
  const inst = ctx.p.instances[i]!;
  if (inst.root === undefined) return;
  const label = instanceLabel(ctx, i);
  const path = `instances[${i}].root`;
  if (i > 0) {
    report(
      ctx,
      "OS1-ROOT-FIELD",
      i,
      path,
      `${label} has a root field (${JSON.stringify(inst.root)}), but only OS1's GRUB entry uses one.`,
      `Put root=${inst.root} in ${label}'s command line instead, and clear the root field.`,
    );
    return;
  }
  if (/\s/.test(inst.root) || inst.root.startsWith("root=")) {
    report(
      ctx,
      "OS1-ROOT-FIELD",
      i,
      path,
      `${label}'s root ${JSON.stringify(inst.root)} is not one root= value: the GRUB entry would pass the kernel ${inst.root.startsWith("root=") ? "root=root=…" : "more than one word"}.`,
      "Write only the value, e.g. UUID=0a1b2c3d-… or /dev/sda2.",
    );
  }
  const inCmdline = cmdlineRoot(inst.cmdline);
  if (inCmdline !== undefined) {
    report(
      ctx,
      "OS1-ROOT-FIELD",
      i,
      path,
      `${label}'s root is set twice: ${JSON.stringify(inst.root)} in the root field and root=${inCmdline} in its command line.`,
      "Keep one: clear the root field, or remove root= from the command line.",
    );
  }
}
