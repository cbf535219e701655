// The memory map's pointer logic, pure: where a pointer is in the address space (with edge
// snapping), what a wheel turn does to the window, and the two gestures on the map
// (drawing a range, dragging a range's edge). The view feeds it pointer positions; the store
// brackets a gesture with a history mark (begin, then commit or cancel), so one drag is one
// undo step however many moves it had.
import type { Profile, Range } from "@tessera/core";
import { replaceRange } from "./edits";
import { ONE_MIB, PAGE, snap, type Segment } from "./memory";
import { addrAt, fracOf, pan, zoom, type Viewport } from "./viewport";

/** Within this many pixels of an e820 edge or the window's edge, the pointer snaps to it. */
export const SNAP_PX = 6;

/** A pointer on the bar: its fraction across, and the bar's width in pixels. */
export interface PointerAt {
  frac: number;
  width: number;
}

/**
 * The address under the pointer: the window's own edges first (at 4 GiB across, 0 and
 * 1 MiB are a quarter pixel apart), then the nearest e820 edge within SNAP_PX, else 2 MiB
 * (4 KiB below 1 MiB).
 */
export function pointerAddress(view: Viewport, segs: readonly Segment[], p: PointerAt): bigint {
  const width = p.width || 1;
  if (p.frac * width <= SNAP_PX) return view.start;
  if ((1 - p.frac) * width <= SNAP_PX) return view.start + view.span;
  let best: bigint | null = null;
  let bestPx = SNAP_PX;
  for (const s of segs) {
    for (const a of [s.start, s.start + s.size]) {
      if (a < view.start || a > view.start + view.span) continue;
      const px = Math.abs(fracOf(view, a) - p.frac) * width;
      if (px <= bestPx) {
        bestPx = px;
        best = a;
      }
    }
  }
  return best ?? snap(addrAt(view, p.frac));
}

/** A wheel turn: sideways or with Shift it pans, else it zooms about the pointer. */
export function wheelView(
  view: Viewport,
  e: { deltaX: number; deltaY: number; shiftKey: boolean },
  frac: number,
  end: bigint,
): Viewport {
  if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY))
    return pan(view, (e.deltaX || e.deltaY) / 1000, end);
  return zoom(view, e.deltaY < 0 ? 0.8 : 1.25, frac, end);
}

export type Side = "l" | "r";

export type MapGesture =
  | { kind: "draw"; from: bigint }
  | { kind: "resize"; base: Profile; index: number; k: number; side: Side; original: Range };

/** What a move does: select a range (drawing), or give the profile its new range (resize). */
export type GestureStep = { kind: "pending"; range: Range } | { kind: "profile"; profile: Profile };

export function beginDraw(at: bigint): MapGesture {
  return { kind: "draw", from: at };
}

/** Null when the instance has no such range. */
export function beginResize(
  base: Profile,
  index: number,
  k: number,
  side: Side,
): MapGesture | null {
  const original = base.instances[index]?.memory[k];
  return original ? { kind: "resize", base, index, k, side, original } : null;
}

/** A range's edge moved to `at`: never past the other edge (one page at least). */
export function resizeRange(r: Range, side: Side, at: bigint): Range {
  const end = r.start + r.size;
  if (side === "l") {
    const start = at < end ? at : end - PAGE;
    return { start, size: end - start };
  }
  return { start: r.start, size: at > r.start ? at - r.start : PAGE };
}

/** The gesture's effect with the pointer at `at`; null when it changes nothing yet. */
export function gestureStep(g: MapGesture, at: bigint): GestureStep | null {
  if (g.kind === "draw") {
    const a = g.from < at ? g.from : at;
    const b = g.from < at ? at : g.from;
    return b > a ? { kind: "pending", range: { start: a, size: b - a } } : null;
  }
  // Always from the gesture's base profile, so moving back undoes the way there.
  const next = resizeRange(g.original, g.side, at);
  return { kind: "profile", profile: replaceRange(g.base, g.index, g.k, next) };
}

/** Keyboard resize: an edge moves by 2 MiB (Shift: 1 GiB); null when the range would vanish. */
export function nudgeRange(r: Range, side: Side, dir: -1 | 1, big: boolean): Range | null {
  const step = (big ? 1024n : 2n) * ONE_MIB * BigInt(dir);
  const end = r.start + r.size;
  const next: Range =
    side === "l"
      ? { start: r.start + step, size: r.size - step }
      : { start: r.start, size: r.size + step };
  if (next.size <= 0n || next.start < 0n || (side === "l" && next.start >= end)) return null;
  return next;
}
