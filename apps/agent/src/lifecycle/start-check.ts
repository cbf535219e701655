// The check before a start: the successor's plan against live facts (its own kernel and
// initrd on disk, its cores offline in OS1) and against the resources of instances that may
// be running; and the guest options the agent appends to its command line.
import {
  plan,
  startConflicts,
  successorOf,
  type Diagnostic,
  type Held,
  type Machine,
  type PlanOptions,
  type Profile,
  type SuccessorPlan,
} from "@tessera/core";
import { gatherFacts, type LiveFacts } from "./live-facts";
import type { FileAccess } from "./file-checks";

export type LivePlan = { ok: true; plan: SuccessorPlan } | { ok: false; diagnostics: Diagnostic[] };

export async function livePlan(
  machine: Machine,
  profile: Profile,
  name: string,
  heldNow: Held[],
  files: FileAccess,
  live?: LiveFacts,
  opts: PlanOptions = {},
): Promise<LivePlan> {
  // Only the target's own files and cores matter for its start: the others are checked
  // when they start (a missing kernel of os3 must not block os2).
  const scoped: Profile = {
    ...profile,
    instances: profile.instances.map((i) =>
      i.name === name || i === profile.instances[0]
        ? i
        : { ...i, kernel: undefined, initrd: undefined },
    ),
  };
  const facts = await gatherFacts(scoped, files, live);
  if (facts.onlineCpus) {
    const others = new Set(
      profile.instances
        .slice(1)
        .filter((i) => i.name !== name)
        .flatMap((i) => i.cpus),
    );
    facts.onlineCpus = facts.onlineCpus.filter((c) => !others.has(c));
  }
  const held = startConflicts(heldNow, profile, name);
  const r = plan(machine, scoped, facts, opts);
  if (!r.ok) return { ok: false, diagnostics: [...held, ...r.diagnostics] };
  if (held.length) return { ok: false, diagnostics: held };
  return successorOf(r.plan, name);
}

/** tessera.name=, tessera.token= and tessera.controller= for `tessera guest` in the successor. */
export function withGuestOptions(
  s: SuccessorPlan,
  token: string,
  controllerUrl?: string | null,
): SuccessorPlan {
  const extra = [`tessera.name=${s.name}`, `tessera.token=${token}`];
  if (controllerUrl) extra.push(`tessera.controller=${controllerUrl}`);
  return {
    ...s,
    options: [...s.options, ...extra],
    cmdline: [s.cmdline, ...extra].filter(Boolean).join(" "),
  };
}
