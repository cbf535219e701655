// Measures the memory bar's labels after each layout and decides, before the browser paints,
// which are shown and where (the rules are in model/bar-labels.ts): the axis labels, the
// 1 MiB marker's label, and the names of the regions and ranges.
import { useLayoutEffect, useState, type RefObject } from "react";
import { anchorOf, placeAxisLabels, type Placement } from "./model/bar-labels";

export interface BarLabels {
  /** What the placement below was measured for; stale placements are not used. */
  key: string;
  /** Per axis tick, in order. */
  ticks: Placement[];
  marker: Placement;
  /**
   * Per region or range (data-key), how much of its name fits inside it: all of it, the part
   * before its `.more` (a range's size), or nothing (absent).
   */
  named: Map<string, "full" | "short">;
}

/** The bar's width in px, followed as the window resizes (0 until it is laid out). */
export function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    if (typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}

function same(a: BarLabels | null, b: BarLabels): boolean {
  return (
    a !== null &&
    a.key === b.key &&
    a.marker === b.marker &&
    a.ticks.length === b.ticks.length &&
    a.ticks.every((t, k) => t === b.ticks[k]) &&
    a.named.size === b.named.size &&
    [...a.named].every(([k, v]) => b.named.get(k) === v)
  );
}

/**
 * Reads the rendered bar: `.axis .label` per tick (data-x: its address's px offset), the
 * `.marker` label, and each region (`.seg`) or range (`.rng`) with its `.name`. Hidden
 * labels keep their size (visibility), so measuring never depends on the previous decision.
 */
export function useBarLabels(
  bar: RefObject<HTMLElement | null>,
  key: string,
  width: number,
): BarLabels | null {
  const [labels, setLabels] = useState<BarLabels | null>(null);
  useLayoutEffect(() => {
    const el = bar.current;
    if (!el || width === 0) return;
    const measured = [...el.querySelectorAll<HTMLElement>(".axis .label")].map((l) => ({
      x: Number(l.dataset.x),
      width: l.offsetWidth,
    }));
    const m = el.querySelector<HTMLElement>(".marker");
    const marker = m ? anchorOf({ x: Number(m.dataset.x), width: m.offsetWidth }, width) : null;
    const named = new Map<string, "full" | "short">();
    for (const box of el.querySelectorAll<HTMLElement>(".seg, .rng")) {
      const name = box.querySelector<HTMLElement>(":scope > .name");
      if (!name || !box.dataset.key) continue;
      const pad = getComputedStyle(box);
      const room = box.clientWidth - parseFloat(pad.paddingLeft) - parseFloat(pad.paddingRight);
      // the part after `.more` is hidden by visibility, so both widths stay measurable
      const more = name.querySelector<HTMLElement>(".more")?.offsetWidth ?? null;
      if (name.offsetWidth <= room) named.set(box.dataset.key, "full");
      else if (more !== null && name.offsetWidth - more <= room)
        named.set(box.dataset.key, "short");
    }
    const next = { key, ticks: placeAxisLabels(measured, width), marker, named };
    setLabels((prev) => (same(prev, next) ? prev : next));
  }, [bar, key, width]);
  return labels && labels.key === key ? labels : null;
}
