// The core grid: socket > NUMA node > physical core with SMT siblings side by side. Each
// cell shows the LAPIC ID (big) and the Linux CPU number, coloured by its owner.
// Keyboard: arrows move, Space toggles, Shift+arrows extend, Enter jumps to "Assign to…".
// Mouse: click, Ctrl-click, Shift-click for a run, lasso on the background, drag to a slot.
import { useDraggable } from "@dnd-kit/core";
import {
  memo,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent,
} from "react";
import type { Cpu } from "@tessera/core";
import { groupCpus, presentOrder, runBetween } from "./model/topology";
import { useStore } from "../store";
import type { DragSource } from "./dnd-shell";

const CpuCell = memo(function CpuCell({ cpu, active }: { cpu: Cpu; active: boolean }) {
  const owner = useStore((s) => s.cpuOwner[cpu.apicId]);
  const ownerName = useStore((s) =>
    owner === undefined ? null : (s.draft.instances[owner]?.name ?? null),
  );
  const selected = useStore((s) => !!s.selectedCpus[cpu.apicId]);
  const diag = useStore((s) => s.marks.cpu[cpu.apicId]);
  const cls = ["cell"];
  if (owner !== undefined) cls.push("owned");
  if (selected) cls.push("selected");
  if (!cpu.online) cls.push("offline");
  if (diag === "error" || diag === "warning") cls.push(`diag-${diag}`);
  const facts =
    `LAPIC ${cpu.apicId} · CPU ${cpu.cpu} · socket ${cpu.package} · core ${cpu.core}` +
    ` · node ${cpu.node ?? "?"} · SMT siblings ${cpu.siblings.join(", ")}` +
    (cpu.coreType ? ` · ${cpu.coreType === "performance" ? "P-core" : "E-core"}` : "") +
    (cpu.online ? "" : " · offline in OS1") +
    (ownerName ? ` · owned by ${ownerName}` : " · free") +
    (diag ? ` · has ${diag}s` : "");
  return (
    <div
      role="option"
      aria-selected={selected}
      aria-label={facts}
      title={facts}
      tabIndex={active ? 0 : -1}
      className={cls.join(" ")}
      data-apic={cpu.apicId}
      data-testid={`cores.cell-${cpu.apicId}`}
      style={
        owner !== undefined
          ? ({ "--owner": `var(--inst-${owner % 12})` } as React.CSSProperties)
          : undefined
      }
    >
      <span>{cpu.apicId}</span>
      <small>cpu{cpu.cpu}</small>
    </div>
  );
});

export function CoresView() {
  const machine = useStore((s) => s.machine);
  const groups = useMemo(() => (machine ? groupCpus(machine.cpus) : []), [machine]);
  const order = useMemo(() => (machine ? presentOrder(machine) : []), [machine]);
  const [active, setActive] = useState<number | null>(null);
  const [lasso, setLasso] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(
    null,
  );
  const box = useRef<HTMLDivElement | null>(null);

  const source: DragSource = {
    resolve(target) {
      const el = target?.closest?.("[data-apic]");
      if (!el) return null;
      const id = Number(el.getAttribute("data-apic"));
      const s = useStore.getState();
      if (!s.selectedCpus[id]) s.selectCpus([id], "replace", id);
      const ids = Object.keys(useStore.getState().selectedCpus).map(Number);
      return { kind: "cpus", ids: ids.sort((a, b) => a - b) };
    },
  };
  const { setNodeRef, listeners } = useDraggable({ id: "cores", data: source });

  const current = active ?? order[0] ?? null;
  useEffect(() => {
    // for the bench: the first time the machine is on screen
    if (machine && performance.getEntriesByName("tessera:machine-rendered").length === 0) {
      performance.mark("tessera:machine-rendered");
    }
  }, [machine]);

  // Selection happens on a pointer "tap" (down and up on the same cell without moving), not on
  // click: dnd-kit swallows the first click after a drag, which would eat a selection.
  const tap = useRef<{ x: number; y: number; id: number } | null>(null);
  function select(e: {
    shiftKey: boolean;
    ctrlKey: boolean;
    metaKey: boolean;
    target: EventTarget;
  }) {
    const el = (e.target as Element).closest("[data-apic]");
    if (!el) return;
    const id = Number(el.getAttribute("data-apic"));
    const s = useStore.getState();
    setActive(id);
    if (e.shiftKey && s.cpuAnchor !== null)
      s.selectCpus(runBetween(order, s.cpuAnchor, id), e.ctrlKey || e.metaKey ? "add" : "replace");
    else if (e.ctrlKey || e.metaKey) s.selectCpus([id], "toggle", id);
    else s.selectCpus([id], "replace", id);
  }

  function keyDown(e: KeyboardEvent) {
    if (current === null) return;
    const i = order.indexOf(current);
    const s = useStore.getState();
    let next: number | undefined;
    if (e.key === "ArrowRight" || e.key === "ArrowDown")
      next = order[Math.min(order.length - 1, i + 1)];
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp") next = order[Math.max(0, i - 1)];
    else if (e.key === "Home") next = order[0];
    else if (e.key === "End") next = order[order.length - 1];
    else if (e.key === " ") {
      e.preventDefault();
      s.selectCpus([current], "toggle", current);
      return;
    } else if (e.key === "a" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      s.selectCpus(order, "replace");
      return;
    } else if (e.key === "Enter") {
      e.preventDefault();
      document.querySelector<HTMLElement>('[data-testid="selection.assign-target"]')?.focus();
      return;
    } else if (e.key === "Escape") {
      s.clearSelection();
      return;
    }
    if (next === undefined) return;
    e.preventDefault();
    if (e.shiftKey) s.selectCpus(runBetween(order, s.cpuAnchor ?? current, next), "replace");
    else if (!s.cpuAnchor && !e.ctrlKey) s.selectCpus([], "replace", next);
    if (!e.shiftKey) useStore.setState({ cpuAnchor: next });
    setActive(next);
    box.current?.querySelector<HTMLElement>(`[data-apic="${next}"]`)?.focus();
  }

  function pointerDown(e: PointerEvent<HTMLDivElement>) {
    const cell = (e.target as Element).closest("[data-apic]");
    if (cell) {
      tap.current = { x: e.clientX, y: e.clientY, id: Number(cell.getAttribute("data-apic")) };
      listeners?.onPointerDown?.(e);
      return;
    }
    if (e.button !== 0 || !box.current) return;
    const r = box.current.getBoundingClientRect();
    setLasso({
      x0: e.clientX - r.left,
      y0: e.clientY - r.top,
      x1: e.clientX - r.left,
      y1: e.clientY - r.top,
    });
    (e.target as Element).setPointerCapture?.(e.pointerId);
  }
  function pointerMove(e: PointerEvent<HTMLDivElement>) {
    if (!lasso || !box.current) return;
    const r = box.current.getBoundingClientRect();
    setLasso({ ...lasso, x1: e.clientX - r.left, y1: e.clientY - r.top });
  }
  function pointerUp(e: PointerEvent<HTMLDivElement>) {
    const t = tap.current;
    tap.current = null;
    if (t && Math.abs(e.clientX - t.x) < 5 && Math.abs(e.clientY - t.y) < 5) {
      select(e);
      return;
    }
    if (!lasso || !box.current) return;
    const r = box.current.getBoundingClientRect();
    const [x0, x1] = [Math.min(lasso.x0, lasso.x1) + r.left, Math.max(lasso.x0, lasso.x1) + r.left];
    const [y0, y1] = [Math.min(lasso.y0, lasso.y1) + r.top, Math.max(lasso.y0, lasso.y1) + r.top];
    setLasso(null);
    if (x1 - x0 < 3 && y1 - y0 < 3) return;
    const ids: number[] = [];
    box.current.querySelectorAll<HTMLElement>("[data-apic]").forEach((el) => {
      const c = el.getBoundingClientRect();
      if (c.right >= x0 && c.left <= x1 && c.bottom >= y0 && c.top <= y1)
        ids.push(Number(el.dataset.apic));
    });
    useStore.getState().selectCpus(ids, e.ctrlKey || e.shiftKey ? "add" : "replace", ids[0]);
  }

  if (!machine) return null;
  return (
    <section className="panel" aria-labelledby="cores-h">
      <header>
        <h2 id="cores-h">Cores</h2>
        <span className="muted">
          {machine.cpus.length} logical CPUs · LAPIC ID large, Linux CPU number small · drag a
          selection onto a slot
        </span>
      </header>
      <div className="body">
        <div
          ref={(el) => {
            box.current = el;
            setNodeRef(el);
          }}
          className={machine.cpus.length > 256 ? "cores dense" : "cores"}
          data-testid="cores.grid"
          onKeyDown={keyDown}
          onFocus={(e) => {
            const el = (e.target as Element).closest("[data-apic]");
            if (el) setActive(Number(el.getAttribute("data-apic")));
          }}
          onPointerDown={pointerDown}
          onPointerMove={pointerMove}
          onPointerUp={pointerUp}
        >
          {groups.map((pkg) => (
            <div key={pkg.key} className="socket" data-testid={`cores.socket-${pkg.package}`}>
              <h3>
                Socket {pkg.package} <span className="muted">· {pkg.cpuCount} CPUs</span>
              </h3>
              {pkg.nodes.map((node) => (
                <div key={node.key} className="numa">
                  <div className="label">NUMA node {node.node ?? "unknown"}</div>
                  <div
                    className="core-row"
                    role="listbox"
                    aria-multiselectable="true"
                    aria-label={`Socket ${pkg.package}, NUMA node ${node.node ?? "unknown"}: cores by LAPIC ID`}
                  >
                    {node.cores.map((core) => (
                      <div
                        key={core.key}
                        className="phys"
                        role="group"
                        aria-label={`Physical core ${core.core}`}
                        title={`Physical core ${core.core}`}
                      >
                        {core.cpus.map((c) => (
                          <CpuCell key={c.apicId} cpu={c} active={c.apicId === current} />
                        ))}
                      </div>
                    ))}
                  </div>
                </div>
              ))}
            </div>
          ))}
          {lasso ? (
            <div
              className="lasso"
              style={{
                left: Math.min(lasso.x0, lasso.x1),
                top: Math.min(lasso.y0, lasso.y1),
                width: Math.abs(lasso.x1 - lasso.x0),
                height: Math.abs(lasso.y1 - lasso.y0),
              }}
            />
          ) : null}
        </div>
      </div>
    </section>
  );
}
