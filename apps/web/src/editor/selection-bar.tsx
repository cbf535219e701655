// The keyboard (and screen-reader) path to every drop: whatever is selected can be given
// to a slot with "Assign to…", and the choice is checked with validate() first.
import { useMemo, useState } from "react";
import { describePayload } from "./model/payload";
import { formatIds } from "./model/topology";
import { hexAddr, sizeLabel } from "./model/memory";
import { assignSelectionTo, judgeDrop } from "./editor-actions";
import { useEditGate } from "../session/roles";
import { useStore } from "../store";
import type { Payload } from "./model/payload";

function useSelectionPayload(): Payload | null {
  const cpus = useStore((s) => s.selectedCpus);
  const devs = useStore((s) => s.selectedDevices);
  const range = useStore((s) => s.pendingRange);
  return useMemo(() => {
    const c = Object.keys(cpus)
      .map(Number)
      .sort((a, b) => a - b);
    if (c.length) return { kind: "cpus", ids: c };
    const d = Object.keys(devs);
    if (d.length) return { kind: "devices", ids: d };
    if (range) return { kind: "range", range };
    return null;
  }, [cpus, devs, range]);
}

export function SelectionBar() {
  const payload = useSelectionPayload();
  const instances = useStore((s) => s.draft.instances);
  const clear = useStore((s) => s.clearSelection);
  const ro = useEditGate();
  const [target, setTarget] = useState(0);
  const draft = useStore((s) => s.draft);
  const verdict = useMemo(
    () => (payload && instances[target] ? judgeDrop(payload, target) : null),
    [payload, target, instances, draft],
  );
  if (!payload) return null;
  const text =
    payload.kind === "cpus"
      ? `${payload.ids.length} core${payload.ids.length > 1 ? "s" : ""} selected (LAPIC ${formatIds(payload.ids)})`
      : payload.kind === "range"
        ? `Range ${hexAddr(payload.range.start)}–${hexAddr(payload.range.start + payload.range.size - 1n)} (${sizeLabel(payload.range.size)})`
        : `${describePayload(payload)} selected`;
  return (
    <div className="selection-bar" role="region" aria-label="Selection" data-testid="selection.bar">
      <strong data-testid="selection.summary">{text}</strong>
      <label htmlFor="assign-target">Assign to…</label>
      <select
        id="assign-target"
        data-testid="selection.assign-target"
        value={target}
        onChange={(e) => setTarget(Number(e.target.value))}
      >
        {instances.map((inst, i) => (
          <option key={i} value={i}>
            {inst.name}
          </option>
        ))}
      </select>
      <button
        className="primary"
        data-testid="selection.assign"
        disabled={ro.disabled}
        title={ro.reason ?? undefined}
        onClick={() => assignSelectionTo(target)}
      >
        Assign
      </button>
      <button onClick={clear} data-testid="selection.clear">
        Clear
      </button>
      {verdict ? (
        <span
          className={`verdict ${verdict.ok ? "ok" : "bad"}`}
          role="status"
          data-testid="selection.verdict"
        >
          {[verdict.ok ? "✓ valid" : `✕ ${verdict.reasons.join("; ")}`, ...verdict.moves].join(
            "; ",
          )}
        </span>
      ) : null}
    </div>
  );
}
