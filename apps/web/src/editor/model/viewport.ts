// The memory bar's window onto the physical address space: [start, start+span), in bigint so
// that zooming down to single 4 KiB pages at 64 GiB keeps every bit.
export interface Viewport {
  start: bigint;
  span: bigint;
}

export const MIN_SPAN = 64n * 1024n; // 16 pages across the bar: each 4 KiB page is visible
const SCALE = 1_000_000n;

export function fracOf(v: Viewport, addr: bigint): number {
  return Number(((addr - v.start) * SCALE) / v.span) / Number(SCALE);
}

export function addrAt(v: Viewport, frac: number): bigint {
  const f = BigInt(Math.round(Math.min(1, Math.max(0, frac)) * Number(SCALE)));
  return v.start + (v.span * f) / SCALE;
}

export function clampView(v: Viewport, end: bigint): Viewport {
  let span = v.span < MIN_SPAN ? MIN_SPAN : v.span > end ? end : v.span;
  if (span <= 0n) span = MIN_SPAN;
  let start = v.start < 0n ? 0n : v.start;
  if (start + span > end) start = end - span > 0n ? end - span : 0n;
  return { start, span };
}

/** Zoom by `factor` (<1 zooms in) keeping the address under `frac` fixed. */
export function zoom(v: Viewport, factor: number, frac: number, end: bigint): Viewport {
  const pivot = addrAt(v, frac);
  const span = BigInt(Math.max(1, Math.round(Number(v.span) * factor)));
  const start = pivot - BigInt(Math.round(Number(span) * frac));
  return clampView({ start, span }, end);
}

export function pan(v: Viewport, frac: number, end: bigint): Viewport {
  const delta = BigInt(Math.round(Number(v.span) * Math.abs(frac)));
  return clampView({ start: frac < 0 ? v.start - delta : v.start + delta, span: v.span }, end);
}

/** Tick addresses: round numbers (a power of two step) inside the window. */
export function ticks(v: Viewport, approx = 6): bigint[] {
  let step = 4096n;
  while (v.span / step > BigInt(approx)) step *= 2n;
  const first = ((v.start + step - 1n) / step) * step;
  const out: bigint[] = [];
  for (let a = first; a < v.start + v.span; a += step) out.push(a);
  return out;
}
