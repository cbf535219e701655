// tessera plan --machine M.json --profile P.json [--format json|sh|grub] [--loader mint|direct]
// Prints the boot plan: what OS1's bootloader entry and each successor's loader get.
import { plan, planToJson, type BootPlan, type PlanOptions } from "@tessera/core";
import {
  isDirectPlan,
  LoaderFailure,
  PlanArgvError,
  planToDirectShell,
  planToShell,
  readDirectImages,
  type DirectImages,
} from "@tessera/kexec";
import { ArgError, parseArgs } from "./args";
import type { CliIo } from "./io";
import { loadMachine, loadProfile } from "./load-inputs";
import { formatDiagnostics } from "./validate";

const FORMATS = ["json", "sh", "grub"] as const;
type Format = (typeof FORMATS)[number];
const LOADERS = ["mint", "direct"] as const;
type ScriptLoader = (typeof LOADERS)[number];

const HELP = `usage: tessera plan --machine MACHINE.json --profile PROFILE.json [--format json|sh|grub] [--loader mint|direct]

Turns a valid profile into its boot plan. An invalid profile prints its diagnostics and no plan.
  --format json    the whole plan: each instance's command line, each successor's BSP,
                   memMin/memMax, e820 map and low slice (default)
  --format sh      a script an operator can read and run by hand: one block per successor,
                   the exact argv the agent would run with the mint loader
  --loader direct  plan for the direct loader; with --format sh the script writes each
                   successor through /dev/mem and wakes it with the APIC helper, as the agent's
                   direct loader does (it reads each successor's kernel and initrd files)
  --format grub    OS1's GRUB menuentry (every word quoted for GRUB)
  --ownership-option NAME   the kernel option carrying device ids (default tessera.devices)
  --os1-kernel PATH, --os1-initrd PATH, --os1-root VALUE   OS1's kernel, initrd and root=
                   for the GRUB entry where the profile leaves them empty
Exit status: 0 plan printed, 1 the layout has errors (or --format sh lacks a successor's
kernel, or --format grub OS1's kernel or root), 2 unreadable or malformed input.`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, {
      values: [
        "machine",
        "profile",
        "format",
        "loader",
        "ownership-option",
        "os1-kernel",
        "os1-initrd",
        "os1-root",
      ],
    });
  } catch (err) {
    io.err(`tessera plan: ${(err as ArgError).message}\n\n${HELP}`);
    return 2;
  }
  if (args.flags.has("help")) {
    io.out(HELP);
    return 0;
  }
  const format = (args.values.format ?? "json") as Format;
  const loader = (args.values.loader ?? "mint") as ScriptLoader;
  const missing = ["machine", "profile"].filter((k) => !args.values[k]);
  if (missing.length || !FORMATS.includes(format) || !LOADERS.includes(loader)) {
    io.err(
      `tessera plan: ${missing.length ? `missing ${missing.map((m) => `--${m}`).join(" and ")}` : !FORMATS.includes(format) ? `--format must be one of ${FORMATS.join(", ")}, not ${JSON.stringify(format)}` : `--loader must be one of ${LOADERS.join(", ")}, not ${JSON.stringify(loader)}`}\n\n${HELP}`,
    );
    return 2;
  }
  const [machine, profile] = await Promise.all([
    loadMachine(io, args.values.machine!),
    loadProfile(io, args.values.profile!),
  ]);
  if (!machine.ok || !profile.ok) {
    io.err([machine, profile].flatMap((r) => (r.ok ? [] : [r.message])).join("\n"));
    return 2;
  }
  // `loader` shapes the plan once core plans for the direct loader (PlanOptions.loader).
  const opts: PlanOptions & { loader?: ScriptLoader } = {
    ...(loader === "direct" ? { loader } : {}),
    ...(args.values["ownership-option"]
      ? { ownershipOption: args.values["ownership-option"] }
      : {}),
    ...(args.values["os1-kernel"] ? { os1Kernel: args.values["os1-kernel"] } : {}),
    ...(args.values["os1-initrd"] ? { os1Initrd: args.values["os1-initrd"] } : {}),
    ...(args.values["os1-root"] ? { os1Root: args.values["os1-root"] } : {}),
  };
  const result = plan(machine.value, profile.value, {}, opts);
  if (!result.ok) {
    io.err(
      `tessera plan: the layout is not valid, no plan made.\n${formatDiagnostics(profile.value.name, result.diagnostics)}`,
    );
    return 1;
  }
  if (format === "sh" && loader === "direct") return directScript(result.plan, io);
  if (format === "grub" && result.plan.os1.grubEntry === null) {
    const unknown = result.plan.diagnostics.filter((d) => d.code === "OS1-BOOT-UNKNOWN");
    io.err(
      `tessera plan: no GRUB entry: ${unknown.map((d) => `${d.message} ${d.hint}`).join(" ")} (or give --os1-kernel and --os1-root)`,
    );
    return 1;
  }
  try {
    io.out(render(result.plan, format));
  } catch (err) {
    // A valid layout that still cannot be written as a script (a successor without a kernel).
    if (!(err instanceof PlanArgvError)) throw err;
    io.err(`tessera plan: cannot write the ${format} script: ${err.message}`);
    return 1;
  }
  return 0;
}

/** The direct loader's script needs each successor's kernel (its header shapes the zero page). */
async function directScript(p: BootPlan, io: CliIo): Promise<number> {
  const images: Record<string, DirectImages> = {};
  for (const s of p.successors) {
    if (!isDirectPlan(s)) {
      io.err(
        `tessera plan: ${s.name}'s plan has no direct part (mailbox, MP table): this planner does not plan for the direct loader`,
      );
      return 1;
    }
    if (!s.kernel) {
      io.err(
        `tessera plan: ${s.name} has no kernel path: the direct script is built from the kernel file's header (set instances[].kernel in the profile)`,
      );
      return 2;
    }
    try {
      images[s.name] = await readDirectImages(s);
    } catch (err) {
      if (!(err instanceof LoaderFailure)) throw err;
      io.err(`tessera plan: ${s.name}: ${err.message} (${err.code})`);
      return 2;
    }
  }
  io.out(planToDirectShell(p, images));
  return 0;
}

function render(p: BootPlan, format: Format): string {
  switch (format) {
    case "json":
      return JSON.stringify(planToJson(p), null, 2);
    case "sh":
      return planToShell(p);
    case "grub":
      return p.os1.grubEntry ?? "";
  }
}
