// Where the memory bar's labels go, from measured widths: a label is shown whole or not at
// all, and never on top of another. The component measures (text widths, the bar's width);
// these rules decide, so they are the same at every window size and testable without a DOM.

/** Right of its tick, hanging left of it, or dropped (the tick line stays, unlabelled). */
export type Placement = "start" | "end" | null;

/** The gap kept between two axis labels, in px. */
export const LABEL_GAP = 8;

/** One label's anchor (px from the bar's left edge) and its measured width (px). */
export interface Measured {
  x: number;
  width: number;
}

/**
 * A label sits right of its anchor, or hangs left of it where it would pass the bar's right
 * edge. Null when it fits neither way.
 */
export function anchorOf(label: Measured, barWidth: number): Placement {
  if (label.x + label.width <= barWidth) return "start";
  if (label.x - label.width >= 0) return "end";
  return null;
}

/**
 * Places the axis labels left to right: each is anchored by anchorOf, and kept only when it
 * starts at least `gap` px after the last label kept ends. The leftmost labels win; a dropped
 * label's address can still be read from the ticks either side.
 */
export function placeAxisLabels(
  labels: Measured[],
  barWidth: number,
  gap = LABEL_GAP,
): Placement[] {
  let lastEnd = -Infinity;
  return labels.map((l) => {
    const anchor = anchorOf(l, barWidth);
    if (anchor === null) return null;
    const left = anchor === "start" ? l.x : l.x - l.width;
    if (left < lastEnd + gap) return null;
    lastEnd = left + l.width;
    return anchor;
  });
}
