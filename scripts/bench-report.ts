// One format for every benchmark figure: a line on stdout as it is measured, and a JSON line
// in .cache/bench/results.jsonl so `npm run bench` can print the project's one table.
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Figure {
  area: string;
  name: string;
  value: number;
  unit: string;
  /** The target, in the same unit. */
  target: number;
  /** "max": lower is better and the target is a ceiling; "min": higher is better. */
  kind: "max" | "min";
  note?: string;
  /** The peer the target derives from and its figure in the same run, e.g. "node -e 0: 41 ms". */
  peer?: string;
}

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const RESULTS = join(root, ".cache", "bench", "results.jsonl");

/** A figure whose value is NaN was not measured (its note says why): it has no ratio. */
export function report(f: Figure): void {
  const ratio = f.kind === "max" ? f.value / f.target : f.target / f.value;
  const verdict = Number.isNaN(ratio)
    ? "not measured"
    : ratio <= 1
      ? "meets target"
      : "misses target";
  console.log(
    `${f.area} | ${f.name} | ${fmt(f.value)} ${f.unit} | target ${f.kind === "max" ? "<=" : ">="} ${fmt(f.target)} ${f.unit} | ratio ${ratio.toFixed(3)} (${verdict})${f.note ? ` | ${f.note}` : ""}`,
  );
  mkdirSync(dirname(RESULTS), { recursive: true });
  appendFileSync(RESULTS, JSON.stringify({ ...f, ratio }) + "\n");
}

export function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
