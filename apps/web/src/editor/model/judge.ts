// Would a drop be valid? Run core's validate() on the would-be profile and report the
// errors the drop would add (findings that exist either way are not the drop's fault).
import { validate, type Diagnostic, type Machine, type Profile } from "@tessera/core";
import { newFindings } from "./diagnostics";
import { applyPayload, type Payload } from "./payload";

export type Verdict = { ok: boolean; reasons: string[] };

export function judge(
  machine: Machine,
  draft: Profile,
  before: readonly Diagnostic[],
  payload: Payload,
  index: number,
): Verdict {
  const next = applyPayload(machine, draft, payload, index);
  if (!next) return { ok: false, reasons: ["No free usable memory of that size."] };
  const added = newFindings(before, validate(machine, next)).filter((d) => d.severity === "error");
  return { ok: added.length === 0, reasons: added.map((d) => `${d.code}: ${d.message}`) };
}
