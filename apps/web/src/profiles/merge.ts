// A three-way merge of a profile, for a save that met a newer version: the version the draft
// started from (base), the one someone else saved (theirs) and the draft (mine). Instances
// pair by position (OS1 first), as in the history diff. Per instance and field: changed by
// one side only, that side wins by itself; changed by both in different ways, the operator
// chooses (the draft until then). An instance that one version lacks is one choice as a whole.
import type { Instance, Profile } from "@tessera/core";
import {
  INSTANCE_FIELDS,
  instanceFieldLabel,
  showInstanceField,
  type InstanceField,
} from "./instance-fields";

export type Field = InstanceField | "instance";
export type Side = "theirs" | "mine";

export interface MergeRow {
  /** `${index}:${field}` */
  key: string;
  index: number;
  /** The instance's name in the draft, else in their version. */
  instance: string;
  field: Field;
  base: string;
  theirs: string;
  mine: string;
  /** Who changed it: one side wins by itself; "both" needs a choice. */
  changedBy: "theirs" | "mine" | "both";
}

export const fieldLabel = (f: Field) =>
  f === "instance" ? "whole instance" : instanceFieldLabel(f);

function show(i: Instance | undefined, f: Field): string {
  if (!i) return "(none)";
  if (f === "instance") return `${i.name}: ${i.cpus.length} cores, ${i.devices.length} devices`;
  return showInstanceField(i, f);
}

const same = (a: Instance | undefined, b: Instance | undefined, f: Field) =>
  f === "instance" ? (a === undefined) === (b === undefined) : show(a, f) === show(b, f);

/** The rows where the three versions do not all agree. */
export function mergeRows(base: Profile, theirs: Profile, mine: Profile): MergeRow[] {
  const n = Math.max(base.instances.length, theirs.instances.length, mine.instances.length);
  const rows: MergeRow[] = [];
  for (let k = 0; k < n; k++) {
    const b = base.instances[k];
    const t = theirs.instances[k];
    const m = mine.instances[k];
    const whole = !b || !t || !m;
    for (const field of whole ? (["instance"] as const) : INSTANCE_FIELDS) {
      const tChanged =
        !same(b, t, field) || (field === "instance" && show(b, field) !== show(t, field));
      const mChanged =
        !same(b, m, field) || (field === "instance" && show(b, field) !== show(m, field));
      if (!tChanged && !mChanged) continue;
      if (tChanged && mChanged && show(t, field) === show(m, field)) continue;
      rows.push({
        key: `${k}:${field}`,
        index: k,
        instance: (m ?? t ?? b)!.name,
        field,
        base: show(b, field),
        theirs: show(t, field),
        mine: show(m, field),
        changedBy: tChanged && mChanged ? "both" : tChanged ? "theirs" : "mine",
      });
    }
  }
  return rows;
}

/** The choice each row starts with: the side that changed it; the draft where both did. */
export function defaultChoices(rows: readonly MergeRow[]): Record<string, Side> {
  return Object.fromEntries(rows.map((r) => [r.key, r.changedBy === "theirs" ? "theirs" : "mine"]));
}

/** Their version with the draft's side taken wherever the choice says "mine". */
export function mergeProfiles(
  theirs: Profile,
  mine: Profile,
  rows: readonly MergeRow[],
  choices: Record<string, Side>,
): Profile {
  const n = Math.max(theirs.instances.length, mine.instances.length);
  const out: Instance[] = [];
  for (let k = 0; k < n; k++) {
    const t = theirs.instances[k];
    const m = mine.instances[k];
    const whole = rows.find((r) => r.index === k && r.field === "instance");
    if (whole || !t || !m) {
      const pick = whole ? (choices[whole.key] === "theirs" ? t : m) : (t ?? m);
      if (pick) out.push(pick);
      continue;
    }
    let inst: Instance = { ...t };
    for (const r of rows) {
      if (r.index !== k || r.field === "instance" || choices[r.key] !== "mine") continue;
      const f = r.field;
      const v = m[f];
      if (v === undefined) delete (inst as Partial<Instance>)[f];
      else inst = { ...inst, [f]: v };
    }
    out.push(inst);
  }
  return { ...mine, instances: out };
}
