// Would a drop be valid? Run core's validate() on the would-be profile and report the
// errors the drop would add (findings that exist either way are not the drop's fault), and
// what it takes from other instances. Taking anything from a running instance is refused.
import { validate, type Diagnostic, type Machine, type Profile } from "@tessera/core";
import { newFindings } from "./diagnostics";
import { describeMove, lockedMoveRefusal, movesOf } from "./moves";
import { applyPayload, type Payload } from "./payload";

export interface Verdict {
  ok: boolean;
  reasons: string[];
  /** What the drop takes from other instances, in words ("moves core 5 from os2"). */
  moves: string[];
}

export function judge(
  machine: Machine,
  draft: Profile,
  before: readonly Diagnostic[],
  payload: Payload,
  index: number,
  running: readonly string[] = [],
): Verdict {
  const next = applyPayload(machine, draft, payload, index);
  if (!next) return { ok: false, reasons: ["No free usable memory of that size."], moves: [] };
  const moves = movesOf(draft, next, index);
  const refused = lockedMoveRefusal(moves, running);
  const added = newFindings(before, validate(machine, next)).filter((d) => d.severity === "error");
  const reasons = [...refused, ...added.map((d) => `${d.code}: ${d.message}`)];
  return { ok: reasons.length === 0, reasons, moves: moves.map(describeMove) };
}
