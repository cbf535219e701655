// The physical address map: e820 regions by type, holes, the 1 MiB line, each instance's
// ranges and low slices. Wheel zooms (down to 4 KiB pages), the buttons and arrows pan.
// Drag on the map to draw a range; drag the range (or a sized chunk) onto a slot; drag a
// range's handles to resize it (2 MiB snap). The table below is the keyboard route.
import { useDraggable } from "@dnd-kit/core";
import {
  useEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type PointerEvent,
} from "react";
import { parseQuantity, plan } from "@tessera/core";
import { replaceRange } from "./model/edits";
import {
  addressSpaceEnd,
  hexAddr,
  ONE_MIB,
  rangeLabel,
  segments,
  sizeLabel,
  type Segment,
} from "./model/memory";
import {
  beginDraw,
  beginResize,
  gestureStep,
  nudgeRange,
  pointerAddress,
  wheelView,
  type MapGesture,
  type Side,
} from "./model/memory-pointer";
import { clampView, fracOf, pan, ticks, zoom, type Viewport } from "./model/viewport";
import { useStore } from "../store";
import { useEditGate } from "../session/roles";
import type { DragSource } from "./dnd-shell";
import { useBarLabels, useWidth } from "./bar-labels";

const pct = (f: number) => `${(Math.min(1, Math.max(0, f)) * 100).toFixed(4)}%`;

function place(v: Viewport, start: bigint, size: bigint): CSSProperties | null {
  if (start + size <= v.start || start >= v.start + v.span) return null;
  const l = fracOf(v, start);
  const r = fracOf(v, start + size);
  return { left: pct(l), width: `max(2px, ${pct(Math.min(1, r) - Math.max(0, l))})` };
}

function RangeChip({ id, label, payload }: { id: string; label: string; payload: DragSource }) {
  const { setNodeRef, listeners, attributes } = useDraggable({ id, data: payload });
  return (
    <span
      ref={setNodeRef}
      className="chip drag"
      data-testid={`memory.${id}-chip`}
      {...listeners}
      {...attributes}
      aria-roledescription="draggable memory"
      aria-label={`${label}. Drag onto an instance, or use Assign to…`}
    >
      ⠿ {label}
    </span>
  );
}

export function MemoryView() {
  const machine = useStore((s) => s.machine);
  const instances = useStore((s) => s.draft.instances);
  const pending = useStore((s) => s.pendingRange);
  const marks = useStore((s) => s.marks.ranges);
  const focus = useStore((s) => s.focus);
  const end = useMemo(() => (machine ? addressSpaceEnd(machine) : 1n << 32n), [machine]);
  const draft = useStore((s) => s.draft);
  const [view, setView] = useState<Viewport>({ start: 0n, span: end });
  // Planned low slices only matter when the window shows low memory; planning costs a
  // validate() run, so it is skipped otherwise.
  const lowVisible = view.start < ONE_MIB && view.span <= 64n * ONE_MIB;
  const plannedLow = useMemo(() => {
    if (!machine || !lowVisible) return null;
    const r = plan(machine, draft);
    return r && r.ok ? new Map(r.plan.successors.map((x) => [x.name, x.lowMemory])) : null;
  }, [machine, draft, lowVisible]);
  const segs = useMemo(() => (machine ? segments(machine) : []), [machine]);
  const [hover, setHover] = useState<Segment | null>(null);
  const [chunk, setChunk] = useState("1G");
  const ro = useEditGate();
  const gesture = useRef<MapGesture | null>(null);
  const stopEscape = useRef<(() => void) | null>(null);
  const bar = useRef<HTMLDivElement | null>(null);
  const barWidth = useWidth(bar);
  const labels = useBarLabels(bar, `${view.start}/${view.span}/${segs.length}`, barWidth);
  // a region's or range's name is shown whole, a range's without its size, or not at all
  const nameClass = (key: string) => {
    const fit = labels ? (labels.named.get(key) ?? "cut") : "full";
    return fit === "full" ? "name" : `name ${fit}`;
  };

  useEffect(() => setView({ start: 0n, span: end }), [end]);
  useEffect(() => {
    if (focus?.kind !== "range") return;
    const r = focus.key;
    setView(clampView({ start: r.start - r.size / 4n, span: (r.size * 3n) / 2n }, end));
  }, [focus, end]);
  useEffect(() => {
    const el = bar.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const frac = (e.clientX - r.left) / r.width;
      setView((v) => wheelView(v, e, frac, end));
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => el.removeEventListener("wheel", onWheel);
  }, [end]);

  if (!machine) return null;

  const addrFromEvent = (e: PointerEvent): bigint => {
    const r = bar.current!.getBoundingClientRect();
    return pointerAddress(view, segs, { frac: (e.clientX - r.left) / r.width, width: r.width });
  };

  // A drag on the map is one gesture: drawing selects a range; dragging a handle resizes the
  // range inside one history mark, so the whole drag is one undo step (Escape cancels it).
  function down(e: PointerEvent<HTMLDivElement>) {
    if (e.button !== 0) return;
    const h = (e.target as HTMLElement).dataset;
    if (h.handle) {
      if (ro.disabled) return;
      const g = beginResize(
        useStore.getState().draft,
        Number(h.inst),
        Number(h.k),
        h.handle as Side,
      );
      if (!g) return;
      useStore.getState().beginMark();
      gesture.current = g;
      const onKey = (k: globalThis.KeyboardEvent) => {
        if (k.key === "Escape") cancel();
      };
      window.addEventListener("keydown", onKey);
      stopEscape.current = () => window.removeEventListener("keydown", onKey);
    } else if ((e.target as HTMLElement).closest("[data-lane='map']")) {
      gesture.current = beginDraw(addrFromEvent(e));
    } else return;
    (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
  }
  function move(e: PointerEvent<HTMLDivElement>) {
    const g = gesture.current;
    if (!g) return;
    const step = gestureStep(g, addrFromEvent(e));
    if (step?.kind === "pending") useStore.getState().setPendingRange(step.range);
    else if (step?.kind === "profile") useStore.getState().preview(step.profile);
  }
  function finish(commit: boolean) {
    if (gesture.current?.kind === "resize")
      useStore.getState()[commit ? "commitMark" : "cancelMark"]();
    gesture.current = null;
    stopEscape.current?.();
    stopEscape.current = null;
  }
  const up = () => finish(true);
  const cancel = () => finish(false);

  // Keyboard resize: arrows move an edge by 2 MiB (Shift: 1 GiB); one undo step per key.
  function nudge(e: KeyboardEvent<HTMLElement>, index: number, k: number, side: Side) {
    const dir = e.key === "ArrowLeft" ? -1 : e.key === "ArrowRight" ? 1 : 0;
    if (dir === 0) return;
    e.preventDefault();
    const r = useStore.getState().draft.instances[index]?.memory[k];
    const next = r && nudgeRange(r, side, dir, e.shiftKey);
    if (next) useStore.getState().edit((p) => replaceRange(p, index, k, next));
  }

  const pendingSource: DragSource = {
    resolve: () => (pending ? { kind: "range", range: pending } : null),
  };
  const chunkSize = parseQuantity(chunk);
  const chunkSource: DragSource = {
    resolve: () =>
      chunkSize.ok && chunkSize.value > 0n ? { kind: "chunk", size: chunkSize.value } : null,
  };

  return (
    <section className="panel" aria-labelledby="mem-h" data-testid="memory.panel">
      <header>
        <h2 id="mem-h">Memory</h2>
        <span className="muted" data-testid="memory.window">
          {hexAddr(view.start)} – {hexAddr(view.start + view.span)} · {sizeLabel(view.span)} across
        </span>
        <span className="grow" />
        <button onClick={() => setView({ start: 0n, span: end })} data-testid="memory.zoom-all">
          All
        </button>
        <button
          onClick={() => setView(clampView({ start: 0n, span: ONE_MIB }, end))}
          data-testid="memory.zoom-low"
        >
          Below 1 MiB
        </button>
        <button onClick={() => setView(clampView({ start: 0n, span: 1n << 32n }, end))}>
          Below 4 GiB
        </button>
        <button
          aria-label="Zoom in"
          onClick={() => setView((v) => zoom(v, 0.5, 0.5, end))}
          data-testid="memory.zoom-in"
        >
          +
        </button>
        <button
          aria-label="Zoom out"
          onClick={() => setView((v) => zoom(v, 2, 0.5, end))}
          data-testid="memory.zoom-out"
        >
          −
        </button>
        <button aria-label="Pan left" onClick={() => setView((v) => pan(v, -0.25, end))}>
          ←
        </button>
        <button aria-label="Pan right" onClick={() => setView((v) => pan(v, 0.25, end))}>
          →
        </button>
      </header>
      <div className="body" style={{ display: "grid", gap: 8 }}>
        <div className="legend" aria-hidden="true">
          {["usable", "reserved", "acpi", "nvs", "unusable", "hole"].map((t) => (
            <span key={t}>
              <i className={`seg t-${t}`} style={{ position: "static", display: "inline-block" }} />
              {t === "acpi" ? "ACPI" : t === "nvs" ? "ACPI NVS" : t}
            </span>
          ))}
        </div>
        <div
          ref={bar}
          className="mem-bar"
          data-testid="memory.bar"
          onPointerDown={down}
          onPointerMove={move}
          onPointerUp={up}
          onPointerCancel={cancel}
          aria-label="Physical address map"
        >
          {/* the 1 MiB line's label has a row of its own: it never covers a region's name */}
          <div className="markers" aria-hidden="true">
            {ONE_MIB > view.start && ONE_MIB < view.start + view.span ? (
              <span
                className={`marker ${labels?.marker ?? "start"}`}
                style={{ left: pct(fracOf(view, ONE_MIB)) }}
                data-x={fracOf(view, ONE_MIB) * barWidth}
                data-testid="memory.marker-1mib"
                title="1 MiB: a successor's low slice (its start-up trampoline) lies below this line"
              >
                1 MiB
              </span>
            ) : null}
          </div>
          <div className="lane" data-lane="map" data-testid="memory.map">
            {segs.map((s) => {
              const st = place(view, s.start, s.size);
              if (!st) return null;
              const facts = `${s.type === "hole" ? "hole (not in the e820 map)" : `e820 ${s.type}`} ${hexAddr(s.start)}–${hexAddr(s.start + s.size - 1n)} · ${sizeLabel(s.size)}${s.node != null ? ` · NUMA node ${s.node}` : ""}`;
              return (
                <div
                  key={`${s.start}`}
                  className={`seg t-${s.type}`}
                  style={st}
                  title={facts}
                  data-testid={`memory.seg-${hexAddr(s.start)}`}
                  data-key={`${s.start}`}
                  onPointerEnter={() => setHover(s)}
                >
                  {/* shown only whole: a region too narrow for its name shows none */}
                  <span className={nameClass(`${s.start}`)}>{s.type}</span>
                </div>
              );
            })}
          </div>
          <div className="lane ranges" data-testid="memory.ranges">
            {instances.flatMap((inst, i) => {
              const style = { "--owner": `var(--inst-${i % 12})` } as CSSProperties;
              const parts = inst.memory.map((r, k) => {
                const st = place(view, r.start, r.size);
                if (!st) return null;
                const hits = marks.filter(
                  (m) => m.range.start < r.start + r.size && r.start < m.range.start + m.range.size,
                );
                const sev = hits.some((m) => m.severity === "error")
                  ? " diag-error"
                  : hits.some((m) => m.severity === "warning")
                    ? " diag-warning"
                    : "";
                return (
                  <div
                    key={`m${i}-${k}`}
                    className={`rng${sev}`}
                    style={{ ...style, ...st }}
                    title={`${inst.name}: ${hexAddr(r.start)}–${hexAddr(r.start + r.size - 1n)} (${sizeLabel(r.size)})`}
                    data-testid={`memory.range-${inst.name}-${k}`}
                    data-key={`m${i}-${k}`}
                  >
                    <button
                      className="handle l"
                      data-handle="l"
                      disabled={ro.disabled}
                      data-inst={i}
                      data-k={k}
                      data-testid={`memory.handle-l-${inst.name}-${k}`}
                      aria-label={`Move the start of ${inst.name} range ${k + 1} (arrows: 2 MiB, Shift: 1 GiB)`}
                      onKeyDown={(e) => nudge(e, i, k, "l")}
                    />
                    <span className={nameClass(`m${i}-${k}`)}>
                      {inst.name}
                      <span className="more"> {sizeLabel(r.size)}</span>
                    </span>
                    <button
                      className="handle r"
                      data-handle="r"
                      disabled={ro.disabled}
                      data-inst={i}
                      data-k={k}
                      data-testid={`memory.handle-r-${inst.name}-${k}`}
                      aria-label={`Move the end of ${inst.name} range ${k + 1} (arrows: 2 MiB, Shift: 1 GiB)`}
                      onKeyDown={(e) => nudge(e, i, k, "r")}
                    />
                  </div>
                );
              });
              // the profile's own low slice, or the one the planner picks when it has none
              const slice = inst.lowMemory ?? plannedLow?.get(inst.name);
              const low = slice && place(view, slice.start, slice.size);
              if (low && slice)
                parts.push(
                  <div
                    key={`l${i}`}
                    className={inst.lowMemory ? "rng low" : "rng low planned"}
                    style={{ ...style, ...low }}
                    title={`${inst.name} low slice ${hexAddr(slice.start)} (${sizeLabel(slice.size)})${inst.lowMemory ? "" : ", planned automatically"}`}
                    data-testid={`memory.low-${inst.name}`}
                  />,
                );
              return parts;
            })}
            {pending && place(view, pending.start, pending.size) ? (
              <div
                className="rng pending"
                style={place(view, pending.start, pending.size)!}
                data-testid="memory.pending"
              >
                selection
              </div>
            ) : null}
          </div>
          {ONE_MIB > view.start && ONE_MIB < view.start + view.span ? (
            <div className="mib-line" style={{ left: pct(fracOf(view, ONE_MIB)) }} />
          ) : null}
          <div className="axis" aria-hidden="true">
            {ticks(view).map((t, k) => (
              <span
                key={`${t}`}
                className={`tick ${labels ? (labels.ticks[k] ?? "bare") : "start"}`}
                style={{ left: pct(fracOf(view, t)) }}
              >
                <span className="label" data-x={fracOf(view, t) * barWidth}>
                  {hexAddr(t)}
                  <br />
                  {sizeLabel(t)}
                </span>
              </span>
            ))}
          </div>
        </div>
        <div className="muted" data-testid="memory.hover" aria-live="polite">
          {hover
            ? `${hover.type === "hole" ? "Hole" : `e820 ${hover.type}`} ${hexAddr(hover.start)}–${hexAddr(hover.start + hover.size - 1n)} · ${sizeLabel(hover.size)} (${hexAddr(hover.size)} bytes)${hover.node != null ? ` · NUMA node ${hover.node}` : ""}`
            : "Hover a region for its facts; drag across usable RAM to select a range."}
        </div>
        <div className="row">
          {pending ? (
            <RangeChip id="pending" label={rangeLabel(pending)} payload={pendingSource} />
          ) : (
            <span className="muted">No range selected.</span>
          )}
          <span className="grow" />
          <label className="row">
            Chunk size
            <input
              value={chunk}
              onChange={(e) => setChunk(e.target.value)}
              style={{ width: 80 }}
              aria-invalid={!chunkSize.ok}
              data-testid="memory.chunk-size"
            />
          </label>
          {chunkSize.ok ? (
            <RangeChip
              id="chunk"
              label={`${sizeLabel(chunkSize.value)} chunk`}
              payload={chunkSource}
            />
          ) : (
            <span className="muted">{chunkSize.reason}</span>
          )}
        </div>
        <MemoryTable />
      </div>
    </section>
  );
}

/** The e820 map as a table: readable, and the keyboard route to selecting a range. */
function MemoryTable() {
  const machine = useStore((s) => s.machine)!;
  const setPending = useStore((s) => s.setPendingRange);
  const [start, setStart] = useState("");
  const [size, setSize] = useState("");
  const s = parseQuantity(start);
  const z = parseQuantity(size);
  return (
    <details>
      <summary>e820 map and exact range entry</summary>
      <table className="grid" data-testid="memory.table">
        <thead>
          <tr>
            <th>Type</th>
            <th>Start</th>
            <th>End (inclusive)</th>
            <th>Size</th>
            <th>Node</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {machine.memoryMap.map((r) => (
            <tr key={`${r.start}`}>
              <td>{r.type}</td>
              <td className="mono">{hexAddr(r.start)}</td>
              <td className="mono">{hexAddr(r.start + r.size - 1n)}</td>
              <td>{sizeLabel(r.size)}</td>
              <td>{r.node ?? "—"}</td>
              <td>
                {r.type === "usable" ? (
                  <button onClick={() => setPending({ start: r.start, size: r.size })}>
                    Select
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row" style={{ marginTop: 8 }}>
        <label className="field">
          Start
          <input
            value={start}
            onChange={(e) => setStart(e.target.value)}
            placeholder="0x100000000"
            data-testid="memory.entry-start"
          />
        </label>
        <label className="field">
          Size
          <input
            value={size}
            onChange={(e) => setSize(e.target.value)}
            placeholder="4G"
            data-testid="memory.entry-size"
          />
        </label>
        <button
          disabled={!s.ok || !z.ok || (z.ok && z.value === 0n)}
          data-testid="memory.entry-select"
          onClick={() => s.ok && z.ok && setPending({ start: s.value, size: z.value })}
        >
          Select range
        </button>
      </div>
    </details>
  );
}
