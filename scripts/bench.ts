// `npm run bench`: runs every workspace's benchmark one after another (they measure time on
// a shared 2-core machine, so never in parallel) and prints the project's one table.
// Benchmarks are not tests: a missed target is printed, never a failure.
// eslint-disable-next-line no-restricted-imports -- a developer script, not product code
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { RESULTS, fmt, type Figure } from "./bench-report";

rmSync(RESULTS, { force: true });
const run = spawnSync(
  "npx",
  ["turbo", "run", "bench", "--concurrency=1", "--output-logs=new-only"],
  {
    stdio: "inherit",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
  },
);
// The whole-process figures (the built CLI against node, lspci, Jailhouse) come last: they
// spawn processes, so they run alone, after the workspaces' benches.
const proc = spawnSync("npx", ["tsx", "scripts/bench-process.ts"], { stdio: "inherit" });
// A figure that could not be measured is stored with null value and ratio.
type Row = Omit<Figure, "value" | "target"> & {
  value: number | null;
  target: number | null;
  ratio: number | null;
};
const rows: Row[] = existsSync(RESULTS)
  ? readFileSync(RESULTS, "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];
const table = [
  ["area", "figure", "value", "target", "ratio", "peer (same run)", "verdict"],
  ...rows.map((r) => [
    r.area,
    r.name,
    r.value === null ? "-" : `${fmt(r.value)} ${r.unit}`,
    r.target === null ? "-" : `${r.kind === "max" ? "<=" : ">="} ${fmt(r.target)} ${r.unit}`,
    r.ratio === null ? "-" : r.ratio.toFixed(3),
    r.peer ?? "",
    r.ratio === null ? (r.note ?? "not measured") : r.ratio <= 1 ? "meets" : "misses",
  ]),
];
const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
console.log(
  "\nTessera benchmarks (ratio = value / target for ceilings, target / value for floors; <= 1 meets)\n",
);
for (const [n, row] of table.entries()) {
  console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
  if (n === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
}
process.exitCode = run.status || proc.status || 0;
