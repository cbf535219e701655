// One instance slot: a drop target that shows what the instance holds, its kernel, initrd
// (OS1: and root, defaulting to the running OS1's) and command line, the findings about it, and (during a drag) whether the drop is valid.
import { useDroppable } from "@dnd-kit/core";
import { memo, useState, type CSSProperties } from "react";
import { sipiVector, type Instance } from "@tessera/core";
import { instanceIndexOf } from "./model/diagnostics";
import {
  moveInstance,
  removeInstance,
  removeRange,
  renameInstance,
  setInstanceText,
  setLowMemory,
  unassignDevices,
} from "./model/edits";
import { hexAddr, sizeLabel } from "./model/memory";
import { formatIds } from "./model/topology";
import { fillCores, fillMemory } from "./editor-actions";
import { useStore } from "../store";
import { StandInNote } from "../run/stand-in-note";
import { Os1BootFields } from "../os1/os1-fields";

function SlotDiagnostics({ index }: { index: number }) {
  const diagnostics = useStore((s) => s.diagnostics);
  const draft = useStore((s) => s.draft);
  const mine = diagnostics.filter((d) => instanceIndexOf(d, draft) === index);
  if (!mine.length) return null;
  return (
    <ul className="slot-diags" data-testid={`slot.diagnostics-${index}`}>
      {mine.map((d, k) => (
        <li key={k} className={d.severity}>
          <strong>{d.code}</strong>: {d.message}
        </li>
      ))}
    </ul>
  );
}

function TextField({
  index,
  field,
  label,
  value,
}: {
  index: number;
  field: "kernel" | "initrd" | "cmdline";
  label: string;
  value: string;
}) {
  const edit = useStore((s) => s.edit);
  return (
    <label className="field">
      {label}
      <input
        value={value}
        spellCheck={false}
        className="mono"
        data-testid={`slot.${field}-${index}`}
        onChange={(e) =>
          edit((p) => setInstanceText(p, index, field, e.target.value), `${field}:${index}`)
        }
      />
    </label>
  );
}

export const SlotCard = memo(function SlotCard({
  inst,
  index,
  count,
}: {
  inst: Instance;
  index: number;
  count: number;
}) {
  const { setNodeRef } = useDroppable({ id: `slot ${inst.name}`, data: { index } });
  const verdict = useStore((s) => (s.drag && s.drag.over === index ? s.drag.verdict : null));
  const pending = useStore(
    (s) => s.drag !== null && s.drag.over === index && s.drag.verdict === null,
  );
  const dragging = useStore((s) => s.drag !== null);
  const diag = useStore((s) => s.marks.slot[index]);
  const deviceNames = useStore((s) => s.machine?.devices);
  const edit = useStore((s) => s.edit);
  const [runSize, setRunSize] = useState(4);
  const cls = ["slot"];
  if (verdict) cls.push(verdict.ok ? "drop-ok" : "drop-bad");
  if (diag === "error") cls.push("diag-error");
  const total = inst.memory.reduce((a, r) => a + r.size, 0n);
  const style = { "--owner": `var(--inst-${index % 12})` } as CSSProperties;
  const devLabel = (id: string) => {
    const d = deviceNames?.find((x) => x.id === id);
    if (!d) return `${id} (not on this machine)`;
    return d.bus === "pci" ? `${id} ${d.deviceName ?? d.className ?? ""}` : (d.name ?? d.id);
  };

  return (
    <article
      ref={setNodeRef}
      className={cls.join(" ")}
      style={style}
      data-testid={`slot.${inst.name}`}
      data-slot-index={index}
      aria-label={`Instance ${inst.name}`}
    >
      <div className="row">
        <span
          className="chip"
          title={index === 0 ? "Boots from GRUB" : "Started from OS1 by the loader"}
        >
          <span className="swatch" />
          {/* a narrow card shows the short form, leaving the name field room */}
          <span className="wide">{index === 0 ? "OS1 · host" : `successor ${index + 1}`}</span>
          <span className="narrow">{index === 0 ? "OS1" : `#${index + 1}`}</span>
        </span>
        <input
          className="name"
          aria-label={`Name of instance ${index + 1}`}
          value={inst.name}
          data-testid={`slot.name-${index}`}
          onChange={(e) => edit((p) => renameInstance(p, index, e.target.value), `name:${index}`)}
        />
        <span className="grow" />
        <button
          className="icon"
          aria-label={`Move ${inst.name} up`}
          disabled={index === 0}
          onClick={() => edit((p) => moveInstance(p, index, index - 1))}
        >
          ↑
        </button>
        <button
          className="icon"
          aria-label={`Move ${inst.name} down`}
          disabled={index === count - 1}
          onClick={() => edit((p) => moveInstance(p, index, index + 1))}
        >
          ↓
        </button>
        <button
          className="icon danger"
          aria-label={`Remove ${inst.name}`}
          data-testid={`slot.remove-${index}`}
          onClick={() => edit((p) => removeInstance(p, index))}
        >
          ✕
        </button>
      </div>
      {pending ? (
        <div className="verdict" role="status" data-testid={`slot.verdict-${index}`}>
          Checking the drop…
        </div>
      ) : null}
      {dragging && verdict ? (
        <div
          className={`verdict ${verdict.ok ? "ok" : "bad"}`}
          role="status"
          data-testid={`slot.verdict-${index}`}
        >
          {verdict.ok ? "✓ Drop is valid" : "✕ Drop would be invalid:"}
          {verdict.reasons.map((r) => (
            <div key={r} style={{ fontWeight: 400 }}>
              {r}
            </div>
          ))}
          {verdict.moves.map((m) => (
            <div key={m} className="verdict-move" data-testid={`slot.move-${index}`}>
              ⚠ {m}
            </div>
          ))}
        </div>
      ) : null}
      <div className="summary" data-testid={`slot.cores-${index}`}>
        <strong>Cores</strong>{" "}
        {inst.cpus.length ? (
          <>
            {inst.cpus.length} · LAPIC {formatIds(inst.cpus)} · BSP {Math.min(...inst.cpus)}
          </>
        ) : (
          <span className="muted">none — drop cores here</span>
        )}
      </div>
      <div className="row">
        <label className="sr-only" htmlFor={`run-${index}`}>
          Number of cores
        </label>
        <input
          id={`run-${index}`}
          type="number"
          min={1}
          value={runSize}
          style={{ width: 64 }}
          onChange={(e) => setRunSize(Math.max(1, Number(e.target.value) || 1))}
        />
        <button data-testid={`slot.fill-cores-${index}`} onClick={() => fillCores(index, runSize)}>
          Next {runSize} cores
        </button>
        <button data-testid={`slot.fill-memory-${index}`} onClick={() => fillMemory(index)}>
          Largest free range
        </button>
      </div>
      <div className="summary">
        <strong>Memory</strong>{" "}
        {inst.memory.length ? (
          sizeLabel(total)
        ) : (
          <span className="muted">none — drop a range here</span>
        )}
        <ul className="items" data-testid={`slot.memory-${index}`}>
          {inst.memory.map((r, k) => (
            <li key={`${r.start}`}>
              <code>
                {hexAddr(r.start)}–{hexAddr(r.start + r.size - 1n)}
              </code>
              <span className="muted">{sizeLabel(r.size)}</span>
              <button
                className="icon"
                aria-label={`Remove range ${hexAddr(r.start)} from ${inst.name}`}
                onClick={() => edit((p) => removeRange(p, index, k))}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      </div>
      <div className="summary" data-testid={`slot.low-${index}`}>
        <strong>Low slice</strong>{" "}
        {inst.lowMemory ? (
          <>
            <code>
              {hexAddr(inst.lowMemory.start)}+{sizeLabel(inst.lowMemory.size)}
            </code>{" "}
            <span className="muted">SIPI vector 0x{sipiVector(inst.lowMemory).toString(16)}</span>
            <button
              className="icon"
              aria-label={`Remove the low slice of ${inst.name}`}
              onClick={() => edit((p) => setLowMemory(p, index, null))}
            >
              ✕
            </button>
          </>
        ) : (
          <span className="muted">
            {index === 0
              ? "not needed for OS1"
              : "planned automatically, or drop a range below 1 MiB"}
          </span>
        )}
      </div>
      <div className="summary">
        <strong>Devices</strong>{" "}
        {inst.devices.length ? null : <span className="muted">none — drop devices here</span>}
        <ul className="items" data-testid={`slot.devices-${index}`}>
          {inst.devices.map((id) => (
            <li key={id}>
              <span title={devLabel(id)}>{devLabel(id)}</span>
              <button
                className="icon"
                aria-label={`Remove ${id} from ${inst.name}`}
                onClick={() => edit((p) => unassignDevices(p, [id]))}
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      </div>
      {index > 0 ? (
        <>
          <TextField index={index} field="kernel" label="Kernel" value={inst.kernel ?? ""} />
          <StandInNote kernel={inst.kernel} testId={`slot.stand-in-${index}`} />
          <TextField index={index} field="initrd" label="Initrd" value={inst.initrd ?? ""} />
        </>
      ) : (
        <Os1BootFields inst={inst} />
      )}
      <TextField
        index={index}
        field="cmdline"
        label="Extra command line"
        value={inst.cmdline ?? ""}
      />
      <SlotDiagnostics index={index} />
    </article>
  );
});
