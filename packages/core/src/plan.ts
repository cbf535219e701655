// plan(machine, profile, facts?) turns a valid layout into what the bootloader and the loader
// need: OS1's options and GRUB entry, and each successor's BSP, memory window, e820 map,
// low slice and command line. An invalid layout never yields a plan.
import type {
  BootPlan,
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
    os1: planOs1(ctx),
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

function planOs1(ctx: Ctx): Os1Plan {
  const inst = ctx.p.instances[0]!;
  const main = inst.memory[0]!;
  const options = instanceOptions(ctx, 0);
  const cmdline = withUserCmdline(options, inst.cmdline);
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
    grubEntry: grubEntry(ctx, cmdline),
  };
}

// Every word of the entry that carries profile or option text is quoted (grubQuote), so no
// profile content can end a word, a command or the block.
function grubEntry(ctx: Ctx, cmdline: string): string {
  const inst = ctx.p.instances[0]!;
  const kernel = inst.kernel ?? ctx.opts.os1Kernel;
  const initrd = inst.initrd ?? ctx.opts.os1Initrd;
  const title = ctx.opts.grubTitle ?? `Tessera: ${ctx.p.name} (${inst.name})`;
  const id = `tessera-${ctx.p.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  const lines = [`menuentry ${grubQuote(title)} --id ${grubQuote(id)} {`];
  if (ctx.opts.os1Root)
    lines.push(`\tsearch --no-floppy --fs-uuid --set=root ${grubQuote(ctx.opts.os1Root)}`);
  if (!kernel)
    lines.push(
      "\t# OS1's kernel is not set in the profile: /boot/vmlinuz is a placeholder, check it.",
    );
  lines.push(`\tlinux\t${grubQuote(kernel ?? "/boot/vmlinuz")} ${grubWords(cmdline)}`);
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
