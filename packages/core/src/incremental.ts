// An incremental validator for a profile that changes one drag at a time. createChecker()
// remembers the last profile it checked and each rule's findings for it; the next check
// compares the new profile with a copy of the last one, per instance and per aspect (cores,
// memory, devices, strings, anything else), and runs again only the rules whose `reads`
// (validate.ts RULES) meet a changed aspect. The derived tables are reused the same way:
// core owners when no core moved, device ownership when no device moved, low slices when
// no range changed. Its answer is always what validate() returns for the same input
// (incremental.property.test.ts proves it over random drag sequences).
import type { Diagnostic, Facts, Machine, PlanOptions, Profile, Range } from "./model";
import { INSTANCE_FIELDS } from "./model";
import { assignLowSlices } from "./low-memory";
import { indexMachine, type MachineIndex } from "./machine-index";
import { ownershipOf, sameDeviceOptions } from "./ownership";
import { RULES, ordered, validate, type Aspect, type Rule } from "./validate";
import { firstCpus, type Ctx } from "./rule-context";

/** The instance fields the aspects cover; any other field is "profile" (unsure: rerun all). */
const INSTANCE_KEYS: ReadonlySet<string> = new Set(INSTANCE_FIELDS);
/** The profile fields compared one by one; any other is "profile" on every check. */
const PROFILE_KEYS = new Set(["schema", "name", "machineFingerprint", "instances"]);

/** A copy of what an instance held, so a caller that edits arrays in place is still seen. */
interface Seen {
  cpus: number[];
  memory: Range[];
  lowMemory: Range | undefined;
  devices: string[];
  strings: (string | undefined)[];
  plain: boolean;
}

function seen(i: Profile["instances"][number]): Seen {
  return {
    cpus: i.cpus.slice(),
    memory: i.memory.map((r) => ({ start: r.start, size: r.size })),
    lowMemory: i.lowMemory && { start: i.lowMemory.start, size: i.lowMemory.size },
    devices: i.devices.slice(),
    strings: [i.name, i.cmdline, i.kernel, i.initrd, i.root],
    plain: Object.keys(i).every((k) => INSTANCE_KEYS.has(k)),
  };
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

function sameRange(a: Range | undefined, b: Range | undefined): boolean {
  return a === b || (!!a && !!b && a.start === b.start && a.size === b.size);
}

/** What changed between the copy of the last profile and this one, per instance. */
function changes(last: { p: Profile; seen: Seen[] } | null, p: Profile): Set<Aspect>[] | null {
  if (!last || last.p.instances.length !== p.instances.length) return null;
  for (const k of Object.keys(p))
    if (!PROFILE_KEYS.has(k) || (k !== "instances" && (p as never)[k] !== (last.p as never)[k]))
      return null;
  for (const k of Object.keys(last.p)) if (!(k in p)) return null;
  return p.instances.map((inst, i) => {
    const was = last.seen[i]!;
    const now = new Set<Aspect>();
    if (!was.plain || !Object.keys(inst).every((k) => INSTANCE_KEYS.has(k))) now.add("profile");
    if (!sameList(was.cpus, inst.cpus)) now.add("cpus");
    if (
      !sameRange(was.lowMemory, inst.lowMemory) ||
      was.memory.length !== inst.memory.length ||
      was.memory.some((r, k) => !sameRange(r, inst.memory[k]))
    )
      now.add("memory");
    if (!sameList(was.devices, inst.devices)) now.add("devices");
    if (!sameList(was.strings, [inst.name, inst.cmdline, inst.kernel, inst.initrd, inst.root]))
      now.add("strings");
    return now;
  });
}

export interface CheckResult {
  diagnostics: Diagnostic[];
  /** The rules that ran for this check (all of them on the first check). */
  ran: string[];
  /**
   * For a rule split by instance (Rule.perInstance) that ran for only some instances, their
   * indexes; a rule in `ran` and not here ran for every instance.
   */
  ranFor?: Record<string, number[]>;
}

export interface Checker {
  /** validate(machine, profile, facts, opts), reusing what the last check found. */
  check(p: Profile): CheckResult;
}

/** What a checker keeps between checks: its inputs, and the last check. */
interface CheckerState {
  m: Machine;
  facts: Facts;
  opts: PlanOptions;
  rules: readonly Rule[];
  idx: MachineIndex;
  last: {
    p: Profile;
    seen: Seen[];
    ctx: Ctx;
    found: Diagnostic[][];
    /** Per rule split by instance, its findings per instance (null for other rules). */
    parts: (Diagnostic[][] | null)[];
  } | null;
}

/**
 * A checker for one machine, facts and options (a change to any of them needs a new
 * checker). `rules` is for tests; it defaults to every rule.
 */
export function createChecker(
  m: Machine,
  facts: Facts = {},
  opts: PlanOptions = {},
  rules: readonly Rule[] = RULES,
): Checker {
  const state: CheckerState = { m, facts, opts, rules, idx: indexMachine(m), last: null };
  return { check: (p) => check(state, p) };
}

// A module-level function rather than a closure per checker: V8 keeps its type feedback and
// optimised code across checkers, so a new checker (a new machine or new facts in the
// console) is fast from its first drag instead of warming up again.
function check(state: CheckerState, p: Profile): CheckResult {
  const { m, facts, opts, rules, idx, last } = state;
  if (p.instances.length === 0) {
    state.last = null;
    return {
      diagnostics: validate(m, p, facts, opts),
      ran: rules.map((r) => r.name),
    };
  }
  const changed = changes(last, p);
  const any = new Set<Aspect>(changed ? changed.flatMap((c) => [...c]) : ["profile"]);
  const prev = changed ? last!.ctx : null;
  const ctx: Ctx = {
    m,
    p,
    idx,
    facts,
    opts,
    slices: prev && !any.has("memory") ? prev.slices : assignLowSlices(idx, p),
    own:
      prev && !any.has("devices")
        ? prev.own
        : ownershipOf(
            m,
            p,
            prev ? { own: prev.own, same: (i) => !changed![i]!.has("devices") } : undefined,
          ),
    cpuFirst: prev && !any.has("cpus") ? prev.cpuFirst : firstCpus(idx, p),
    options: [],
    out: [],
    // The devices rule replaces `stock` and `unassigned` when it runs; when it does not,
    // the last ones stand.
    lastStock: any.has("strings") ? undefined : prev?.stock,
    stock: prev?.stock,
    lastUnassigned: prev?.unassigned,
    unassigned: prev?.unassigned,
  };
  if (prev && !any.has("profile") && ctx.slices === prev.slices) {
    // An instance's options read its core count and ranges, the slices, its own devices,
    // and of the others' only which pairs they own and who has the PS/2 devices: reuse
    // them where none of that moved.
    const devicesAlike = sameDeviceOptions(ctx.own, prev.own);
    // The same pairs: their sorted list (pci-stub.ids=) is the same too.
    if (devicesAlike && prev.own.sortedPairs) ctx.own.sortedPairs ??= prev.own.sortedPairs;
    for (let i = 0; i < p.instances.length; i++) {
      const c = changed![i]!;
      if (c.has("cpus") || c.has("memory")) continue;
      if (ctx.own === prev.own || (devicesAlike && !c.has("devices")))
        ctx.options[i] = prev.options[i];
    }
  }
  const ran: string[] = [];
  const ranFor: Record<string, number[]> = {};
  const parts: (Diagnostic[][] | null)[] = [];
  // Split rules keep an instance's findings only while every name, command line and
  // file is as it was: messages name other instances, and names can clash.
  const split = changed !== null && !any.has("profile") && !any.has("strings");
  const found = rules.map((rule, r) => {
    const again =
      !changed || any.has("profile") || !rule.reads || rule.reads.some((a) => any.has(a));
    if (!again) {
      parts[r] = last!.parts[r]!;
      return last!.found[r]!;
    }
    ran.push(rule.name);
    const each = rule.perInstance;
    if (!each) {
      parts[r] = null;
      ctx.out = [];
      rule.check(ctx);
      return ctx.out;
    }
    const before = split ? last!.parts[r] : null;
    const mine: Diagnostic[][] = [];
    const redone: number[] = [];
    for (let i = 0; i < p.instances.length; i++) {
      const kept = before?.[i];
      if (
        kept &&
        !rule.reads!.some((a) => changed![i]!.has(a)) &&
        each.holds(ctx, prev!, i, kept)
      ) {
        mine.push(kept);
        continue;
      }
      redone.push(i);
      ctx.out = [];
      each.each(ctx, i);
      mine.push(ctx.out);
    }
    if (redone.length < p.instances.length) ranFor[rule.name] = redone;
    parts[r] = mine;
    return mine.flat();
  });
  // Copy only what changed: an unchanged instance's copy is still true.
  const copies = p.instances.map((x, i) =>
    changed && changed[i]!.size === 0 ? last!.seen[i]! : seen(x),
  );
  state.last = { p, seen: copies, ctx, found, parts };
  const result: CheckResult = { diagnostics: ordered(found.flat()), ran };
  if (Object.keys(ranFor).length) result.ranFor = ranFor;
  return result;
}
