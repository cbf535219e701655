// plan(machine, profile, facts?) turns a valid layout into what the bootloader and the loader
// need: OS1's options and GRUB entry, and each successor's BSP, memory window, e820 map,
// low slice and command line. An invalid layout never yields a plan.
import type {
  BootPlan,
  Diagnostic,
  E820Entry,
  Facts,
  Machine,
  Os1Plan,
  PlanOptions,
  PlanResult,
  Profile,
  SuccessorPlan,
} from "./model";
import { sipiVector } from "./low-memory";
import { positionOf } from "./machine-index";
import { PLAN_SCHEMA } from "./model";
import { buildContext, type Ctx } from "./rule-context";
import { instanceOptions } from "./instance-options";
import { hasErrors, validateContext } from "./validate";
import { os1Reservations, successorMemory, withUserCmdline } from "./boot-options";
import { grubQuote, grubWords } from "./cmdline";
import { DIAGNOSTIC_CODES, type DiagnosticCode } from "./codes";
import { cmdlineRoot } from "./rules-text";
import { directOs1Reservations, directSuccessorPlan } from "./direct-options";

export function plan(
  m: Machine,
  p: Profile,
  facts: Facts = {},
  opts: PlanOptions = {},
): PlanResult {
  const ctx = buildContext(m, p, facts, opts);
  const diagnostics = validateContext(ctx);
  if (hasErrors(diagnostics)) return { ok: false, diagnostics };
  const result: BootPlan = {
    schema: PLAN_SCHEMA,
    profile: p.name,
    os1: planOs1(ctx, diagnostics),
    successors: p.instances.slice(1).map((_, k) => planSuccessor(ctx, k + 1)),
    diagnostics,
  };
  return { ok: true, plan: result };
}

/** Cores in LAPIC order: their positions in idx.apicIds, sorted as numbers, mapped back. */
function sortedCpus(ctx: Ctx, cpus: number[]): number[] {
  const pos = new Int32Array(cpus.length);
  for (let k = 0; k < cpus.length; k++) {
    pos[k] = positionOf(ctx.idx, cpus[k]!);
    // A valid layout lists only present cores; the planner never sees another.
    if (pos[k] === -1) throw new Error("plan: a core that is not present passed validation");
  }
  pos.sort();
  const out = new Array<number>(cpus.length);
  for (let k = 0; k < pos.length; k++) out[k] = ctx.idx.apicIds[pos[k]!]!;
  return out;
}

function planOs1(ctx: Ctx, diagnostics: Diagnostic[]): Os1Plan {
  const inst = ctx.p.instances[0]!;
  const main = inst.memory[0]!;
  const options = instanceOptions(ctx, 0);
  const boot = os1Boot(ctx, diagnostics);
  const user = withUserCmdline(options, inst.cmdline);
  // root= first, as GRUB's own entries write it; only when the command line has none.
  const cmdline = boot.addRoot && boot.root ? `root=${boot.root} ${user}` : user;
  return {
    name: inst.name,
    cpus: sortedCpus(ctx, inst.cpus),
    maxcpus: inst.cpus.length,
    memEnd: main.start + main.size,
    reservations:
      ctx.opts.loader === "direct"
        ? directOs1Reservations(ctx)
        : os1Reservations(ctx.p, ctx.slices.slices),
    devices: [...inst.devices],
    options,
    cmdline,
    kernel: boot.kernel,
    initrd: boot.initrd,
    root: boot.root,
    grubEntry: boot.kernel && boot.root ? grubEntry(ctx, boot.kernel, boot.initrd, cmdline) : null,
  };
}

/**
 * OS1's kernel, initrd and root=: the profile's where set, else what the running OS1 booted
 * with (PlanOptions, from the agent). Whatever stays unknown is said (OS1-BOOT-UNKNOWN,
 * OS1-INITRD-NONE), never replaced by a made-up path.
 */
function os1Boot(
  ctx: Ctx,
  diagnostics: Diagnostic[],
): { kernel: string | null; initrd: string | null; root: string | null; addRoot: boolean } {
  const inst = ctx.p.instances[0]!;
  const kernel = inst.kernel ?? ctx.opts.os1Kernel ?? null;
  const initrd = inst.initrd ?? ctx.opts.os1Initrd ?? null;
  const own = cmdlineRoot(inst.cmdline);
  const root = inst.root ?? own ?? ctx.opts.os1Root ?? null;
  const note = (code: DiagnosticCode, path: string, message: string, hint: string) =>
    diagnostics.push({
      code,
      severity: DIAGNOSTIC_CODES[code].severity,
      path,
      instance: inst.name,
      message,
      hint,
    });
  const unknown = [kernel ? null : "kernel", root ? null : "root"].filter(Boolean);
  if (unknown.length)
    note(
      "OS1-BOOT-UNKNOWN",
      `instances[0].${unknown[0]}`,
      `${inst.name}'s ${unknown.join(" and ")} ${unknown.length > 1 ? "are" : "is"} not set in the profile and not known from the running OS1, so no GRUB entry can be written for it.`,
      `Fill in ${inst.name}'s ${unknown.join(" and ")} in its slot (${[kernel ? null : "a kernel such as /boot/vmlinuz-6.1.0-18-amd64", root ? null : "a root such as UUID=…"].filter(Boolean).join(", ")}), or run the agent on OS1, where it reads what OS1 booted with from /proc/cmdline and /boot.`,
    );
  else if (!initrd)
    note(
      "OS1-INITRD-NONE",
      "instances[0].initrd",
      `${inst.name}'s GRUB entry has no initrd: neither the profile nor the running OS1 names one.`,
      "Fill in the initrd in OS1's slot if its kernel needs one (Debian's do: /boot/initrd.img-<version>).",
    );
  return { kernel, initrd, root, addRoot: inst.root !== undefined || own === undefined };
}

// Every word of the entry that carries profile or option text is quoted (grubQuote), so no
// profile content can end a word, a command or the block.
function grubEntry(ctx: Ctx, kernel: string, initrd: string | null, cmdline: string): string {
  const inst = ctx.p.instances[0]!;
  const title = ctx.opts.grubTitle ?? `Tessera: ${ctx.p.name} (${inst.name})`;
  const id = `tessera-${ctx.p.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  const lines = [`menuentry ${grubQuote(title)} --id ${grubQuote(id)} {`];
  lines.push(`\tlinux\t${grubQuote(kernel)} ${grubWords(cmdline)}`);
  if (initrd) lines.push(`\tinitrd\t${grubQuote(initrd)}`);
  lines.push("}");
  return lines.join("\n");
}

function planSuccessor(ctx: Ctx, i: number): SuccessorPlan {
  const inst = ctx.p.instances[i]!;
  const slice = ctx.slices.slices[i]!;
  const cpus = sortedCpus(ctx, inst.cpus);
  const main = inst.memory[0]!;
  const memory = successorMemory(ctx.p, i, null);
  const e820: E820Entry[] = successorMemory(ctx.p, i, slice).map((r) => ({
    start: r.start,
    size: r.size,
    type: "usable",
  }));
  const options = instanceOptions(ctx, i);
  const out: SuccessorPlan = {
    name: inst.name,
    index: i + 1,
    bsp: cpus[0]!,
    cpus,
    cpuCount: cpus.length,
    memMin: main.start,
    memMax: main.start + main.size - 1n,
    memory,
    lowMemory: slice,
    sipiVector: sipiVector(slice),
    e820,
    devices: [...inst.devices],
    kernel: inst.kernel ?? null,
    initrd: inst.initrd ?? null,
    options,
    cmdline: withUserCmdline(options, inst.cmdline),
  };
  if (ctx.opts.loader === "direct") out.direct = directSuccessorPlan(ctx, i);
  return out;
}
