// PCI devices by bus (class, vendor and device names, driver, interrupt mode, IOMMU group,
// NUMA node) and the legacy devices beside them. Rows select with click/Ctrl/Shift or the
// checkbox (keyboard), and the selection drags onto a slot. Click a row's ▸ for its facts.
// The PCI table is a virtualized list (@tanstack/react-virtual): with 4096 devices only the
// rows in view (and a few around them) are in the DOM.
import { useDraggable } from "@dnd-kit/core";
import { measureElement, observeElementRect, useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useMemo, useRef, useState, type CSSProperties } from "react";
import type { Device, LegacyDevice, PciDevice } from "@tessera/core";
import { hexAddr, sizeLabel } from "./model/memory";
import { useStore } from "../store";
import type { DragSource } from "./dnd-shell";
import { plural } from "../ui/plural";

const h4 = (n: number) => n.toString(16).padStart(4, "0");

function irqText(d: PciDevice): { text: string; cls: string } {
  const modes: string[] = [];
  if (d.irq.msix) modes.push("MSI-X");
  if (d.irq.msi) modes.push("MSI");
  if (modes.length)
    return {
      text:
        modes.join(" + ") +
        (d.irq.pin ? ` (INT${d.irq.pin}→line ${d.irq.line ?? "?"} unused)` : ""),
      cls: "msi",
    };
  if (d.irq.pin)
    return { text: `INTx ${d.irq.pin} → I/O APIC line ${d.irq.line ?? "?"}`, cls: "intx" };
  return { text: "none", cls: "" };
}

function busOf(id: string): string {
  return id.split(":").slice(0, 2).join(":");
}

function OwnerCell({ id }: { id: string }) {
  const owner = useStore((s) => s.deviceOwner[id]);
  const name = useStore((s) => (owner === undefined ? null : s.draft.instances[owner]?.name));
  if (owner === undefined) return <span className="muted">free</span>;
  return (
    <span className="chip" style={{ "--owner": `var(--inst-${owner % 12})` } as CSSProperties}>
      <span className="swatch" />
      {name}
    </span>
  );
}

function Row({
  d,
  children,
  measure,
}: {
  d: Device;
  children: React.ReactNode;
  /** The virtual list's measuring hooks, for rows in the virtualized PCI table. */
  measure?: { "data-index": number; ref: (el: Element | null) => void };
}) {
  const selected = useStore((s) => !!s.selectedDevices[d.id]);
  const diag = useStore((s) => s.marks.device[d.id]);
  const select = useStore((s) => s.selectDevices);
  return (
    <tr
      className={`dev row-diag${selected ? " selected" : ""}${diag ? ` diag-${diag}` : ""}`}
      data-dev={d.id}
      data-testid={`devices.row-${d.id}`}
      aria-selected={selected}
      {...measure}
      onPointerUp={(e) => {
        // a tap (not a drag) selects; pointerup because dnd-kit swallows the click after a drag
        const t = (e.currentTarget as HTMLElement).dataset;
        const moved =
          Math.abs(e.clientX - Number(t.downX)) > 4 || Math.abs(e.clientY - Number(t.downY)) > 4;
        if (moved || (e.target as HTMLElement).closest("input,button")) return;
        select([d.id], e.ctrlKey || e.metaKey || e.shiftKey ? "toggle" : "replace");
      }}
      onPointerDown={(e) => {
        const t = (e.currentTarget as HTMLElement).dataset;
        t.downX = String(e.clientX);
        t.downY = String(e.clientY);
      }}
    >
      <td>
        <input
          type="checkbox"
          checked={selected}
          aria-label={`Select ${d.id}`}
          onChange={() => select([d.id], "toggle")}
          data-testid={`devices.check-${d.id}`}
        />
        {diag === "error" || diag === "warning" ? (
          <span
            className={`sev ${diag}`}
            style={{ minWidth: 0, marginLeft: 4 }}
            title={`This device has ${diag}s`}
          >
            !
          </span>
        ) : null}
      </td>
      {children}
      <td>
        <OwnerCell id={d.id} />
      </td>
    </tr>
  );
}

function PciFacts({ d }: { d: PciDevice }) {
  return (
    <dl className="facts" data-testid={`devices.facts-${d.id}`}>
      <dt>IDs</dt>
      <dd className="mono">
        {h4(d.vendor)}:{h4(d.device)} class {d.class.toString(16).padStart(6, "0")}
        {d.subsystemVendor != null
          ? ` · subsystem ${h4(d.subsystemVendor)}:${h4(d.subsystemDevice ?? 0)}`
          : ""}
      </dd>
      <dt>Interrupts</dt>
      <dd>
        MSI {d.irq.msi ? "yes" : "no"} · MSI-X {d.irq.msix ? "yes" : "no"} · INTx pin{" "}
        {d.irq.pin ?? "none"} · I/O APIC line {d.irq.line ?? "—"}
      </dd>
      <dt>Capabilities</dt>
      <dd>{d.capabilities?.join(", ") || "—"}</dd>
      <dt>BARs</dt>
      <dd>
        {d.bars?.length
          ? d.bars.map((b) => (
              <div key={b.index} className="mono">
                BAR{b.index} {b.kind} {hexAddr(b.start)} {sizeLabel(b.size)}
                {b.prefetchable ? " prefetchable" : ""}
              </div>
            ))
          : "—"}
      </dd>
      {d.bootVga ? (
        <>
          <dt>Boot VGA</dt>
          <dd>yes: the firmware's console</dd>
        </>
      ) : null}
    </dl>
  );
}

type PciRow =
  | { kind: "bus"; bus: string; count: number; folded: boolean }
  | { kind: "dev"; d: PciDevice }
  | { kind: "facts"; d: PciDevice };

/** The device tables' scroll box, and a row's expected height, in px. */
const TABLE_HEIGHT = 520;
const ROW_HEIGHT = 34;

export function DevicesView() {
  const machine = useStore((s) => s.machine);
  const [open, setOpen] = useState<string | null>(null);
  // Large machines start with buses folded: thousands of rows are a wall, not an overview.
  const [folded, setFolded] = useState<Record<string, boolean> | "all" | "none">("all");
  const { pci, legacy } = useMemo(() => {
    const pciList = (machine?.devices.filter((d) => d.bus === "pci") ?? []) as PciDevice[];
    const byBus = new Map<string, PciDevice[]>();
    for (const d of [...pciList].sort((a, b) => a.id.localeCompare(b.id))) {
      const b = busOf(d.id);
      byBus.set(b, [...(byBus.get(b) ?? []), d]);
    }
    return {
      pci: [...byBus.entries()],
      legacy: (machine?.devices.filter((d) => d.bus === "legacy") ?? []) as LegacyDevice[],
    };
  }, [machine]);
  const source: DragSource = {
    resolve(target) {
      const el = target?.closest?.("[data-dev]");
      if (!el) return null;
      const id = el.getAttribute("data-dev")!;
      const s = useStore.getState();
      if (!s.selectedDevices[id]) s.selectDevices([id], "replace");
      return { kind: "devices", ids: Object.keys(useStore.getState().selectedDevices) };
    },
  };
  const { setNodeRef, listeners } = useDraggable({ id: "devices", data: source });
  const scroller = useRef<HTMLDivElement | null>(null);
  const bodyRef = useCallback(
    (el: HTMLDivElement | null) => {
      scroller.current = el;
      setNodeRef(el);
    },
    [setNodeRef],
  );
  const many = pci.reduce((n, [, l]) => n + l.length, 0) > 256;
  const rows = useMemo(() => {
    const out: PciRow[] = [];
    for (const [bus, list] of pci) {
      const isFolded = many && folded !== "none" && (folded === "all" || folded[bus] !== false);
      out.push({ kind: "bus", bus, count: list.length, folded: isFolded });
      if (isFolded) continue;
      for (const d of list) {
        out.push({ kind: "dev", d });
        if (open === d.id) out.push({ kind: "facts", d });
      }
    }
    return out;
  }, [pci, many, folded, open]);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // A box or row not laid out yet (or jsdom, which lays nothing out) counts at its expected
    // size, so the first rows render and the list settles instead of growing without end.
    measureElement: (el, entry, instance) => measureElement(el, entry, instance) || ROW_HEIGHT,
    observeElementRect: (instance, cb) =>
      observeElementRect(instance, (rect) =>
        cb(rect.height > 0 ? rect : { width: rect.width, height: TABLE_HEIGHT }),
      ),
    getItemKey: (i) => {
      const r = rows[i]!;
      return r.kind === "bus" ? `bus ${r.bus}` : `${r.kind} ${r.d.id}`;
    },
  });
  if (!machine) return null;
  const onPointerDown = (e: React.PointerEvent) => {
    if ((e.target as HTMLElement).closest("input,button")) return;
    if ((e.target as Element).closest("[data-dev]")) listeners?.onPointerDown?.(e);
  };
  const items = virtual.getVirtualItems();
  const before = items[0]?.start ?? 0;
  const after = virtual.getTotalSize() - (items[items.length - 1]?.end ?? 0);
  const toggleBus = (bus: string, isFolded: boolean) =>
    setFolded({ ...(typeof folded === "object" ? folded : {}), [bus]: !isFolded });

  return (
    <section className="panel" aria-labelledby="dev-h">
      <header>
        <h2 id="dev-h">Devices</h2>
        <span className="muted">
          {pci.reduce((n, [, l]) => n + l.length, 0)} PCI on {pci.length} buses · {legacy.length}{" "}
          legacy
        </span>
        <span className="grow" />
        {many ? (
          <>
            <button onClick={() => setFolded("none")}>Unfold all buses</button>
            <button onClick={() => setFolded("all")}>Fold all</button>
          </>
        ) : null}
      </header>
      <div
        className="body"
        ref={bodyRef}
        onPointerDown={onPointerDown}
        data-testid="devices.tables"
        style={{ display: "grid", gap: 12, maxHeight: TABLE_HEIGHT, overflow: "auto" }}
      >
        <table className="grid" data-testid="devices.pci">
          <caption className="sr-only">PCI devices</caption>
          <thead>
            <tr>
              <th scope="col">
                <span className="sr-only">Select</span>
              </th>
              <th scope="col">Address</th>
              <th scope="col">Class</th>
              <th scope="col">Vendor · device</th>
              <th scope="col">Driver</th>
              <th scope="col">Interrupts</th>
              <th scope="col">IOMMU</th>
              <th scope="col">Node</th>
              <th scope="col">Owner</th>
            </tr>
          </thead>
          <tbody>
            {before > 0 ? <tr aria-hidden="true" style={{ height: before }} /> : null}
            {items.map((v) => {
              const r = rows[v.index]!;
              const measure = { "data-index": v.index, ref: virtual.measureElement };
              if (r.kind === "bus")
                return (
                  <tr key={v.key} className="bus-head" {...measure}>
                    <td colSpan={9}>
                      {many ? (
                        <button
                          className="icon"
                          aria-expanded={!r.folded}
                          data-testid={`devices.bus-${r.bus}`}
                          onClick={() => toggleBus(r.bus, r.folded)}
                        >
                          {r.folded ? "▸" : "▾"}
                        </button>
                      ) : null}{" "}
                      Bus {r.bus}{" "}
                      <span className="muted">· {plural(r.count, "device", "devices")}</span>
                    </td>
                  </tr>
                );
              if (r.kind === "facts")
                return (
                  <tr key={v.key} {...measure}>
                    <td />
                    <td colSpan={8}>
                      <PciFacts d={r.d} />
                    </td>
                  </tr>
                );
              const d = r.d;
              const irq = irqText(d);
              return (
                <Row key={v.key} d={d} measure={measure}>
                  <td className="mono" style={{ whiteSpace: "nowrap" }}>
                    <button
                      className="icon"
                      aria-expanded={open === d.id}
                      aria-label={`Facts of ${d.id}`}
                      onClick={() => setOpen(open === d.id ? null : d.id)}
                    >
                      {open === d.id ? "▾" : "▸"}
                    </button>{" "}
                    {d.id}
                  </td>
                  <td>{d.className ?? `class ${d.class.toString(16)}`}</td>
                  <td>
                    {d.vendorName ?? h4(d.vendor)} · {d.deviceName ?? h4(d.device)}
                  </td>
                  <td className="mono">{d.driver ?? <span className="muted">none</span>}</td>
                  <td>
                    <span className={`tag ${irq.cls}`}>{irq.text}</span>
                  </td>
                  <td>{d.iommuGroup ?? "—"}</td>
                  <td>{d.node ?? "—"}</td>
                </Row>
              );
            })}
            {after > 0 ? <tr aria-hidden="true" style={{ height: after }} /> : null}
          </tbody>
        </table>
        <table className="grid" data-testid="devices.legacy">
          <caption className="sr-only">Legacy devices</caption>
          <thead>
            <tr>
              <th scope="col">
                <span className="sr-only">Select</span>
              </th>
              <th scope="col">Legacy device</th>
              <th scope="col">Kind</th>
              <th scope="col">I/O port</th>
              <th scope="col">I/O APIC line</th>
              <th scope="col">Owner</th>
            </tr>
          </thead>
          <tbody>
            {legacy.map((d) => (
              <Row key={d.id} d={d}>
                <td className="mono">{d.id}</td>
                <td>{d.name ?? d.kind}</td>
                <td className="mono">{d.ioPort != null ? `0x${d.ioPort.toString(16)}` : "—"}</td>
                <td>{d.irq ?? "—"}</td>
              </Row>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
