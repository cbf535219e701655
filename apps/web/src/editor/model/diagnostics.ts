// Where each diagnostic belongs: the cores, devices, ranges and slots it names. Views look
// their marks up by key instead of scanning the whole list.
import type { Diagnostic, Profile, Range, Severity } from "@tessera/core";

export interface DiagMarks {
  cpu: Record<number, Severity>;
  device: Record<string, Severity>;
  slot: Record<number, Severity>;
  ranges: { range: Range; severity: Severity; index: number }[];
  errors: number;
  warnings: number;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };
function worse(a: Severity | undefined, b: Severity): Severity {
  return a && RANK[a] >= RANK[b] ? a : b;
}

/** The instance a diagnostic is about, by its path (instances[2]...) or its name. */
export function instanceIndexOf(d: Diagnostic, profile: Profile): number | null {
  const m = /^instances\[(\d+)\]/.exec(d.path);
  if (m) return Number(m[1]);
  if (d.instance !== null) {
    const i = profile.instances.findIndex((x) => x.name === d.instance);
    if (i >= 0) return i;
  }
  return null;
}

export function markDiagnostics(diags: readonly Diagnostic[], profile: Profile): DiagMarks {
  const marks: DiagMarks = { cpu: {}, device: {}, slot: {}, ranges: [], errors: 0, warnings: 0 };
  diags.forEach((d, index) => {
    if (d.severity === "error") marks.errors++;
    else if (d.severity === "warning") marks.warnings++;
    for (const c of d.subject?.cpus ?? []) marks.cpu[c] = worse(marks.cpu[c], d.severity);
    for (const id of d.subject?.devices ?? [])
      marks.device[id] = worse(marks.device[id], d.severity);
    for (const r of d.subject?.ranges ?? [])
      marks.ranges.push({ range: r, severity: d.severity, index });
    const slot = instanceIndexOf(d, profile);
    if (slot !== null) marks.slot[slot] = worse(marks.slot[slot], d.severity);
  });
  return marks;
}

/** Identity of a finding across two validations, to tell what a drop would add. */
export function diagKey(d: Diagnostic): string {
  return `${d.code}|${d.instance ?? ""}|${d.message}`;
}

export function newFindings(
  before: readonly Diagnostic[],
  after: readonly Diagnostic[],
): Diagnostic[] {
  const seen = new Set(before.map(diagKey));
  return after.filter((d) => !seen.has(diagKey(d)));
}
