// Times `importMachine` on a 2 MB dmesg plus a 1 MB lspci, in process, beside a plain line split
// of the same text (the least any reader of these files must do). Target: under 50 ms.
// The texts are real published logs from test/corpus (see its SOURCES.md), repeated to size:
// a serial console log that kept many boots, and an lspci file holding several outputs.
// Run: cd apps/agent && npx tsx bench/import.bench.ts [ROUNDS]
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { median, report } from "../../../scripts/bench-report";
import { importMachine } from "../src/importer/index";
import { loadPciIds } from "../src/discovery/pci-ids-index";
import { corpus } from "../test/fixture-paths";

const rounds = Number(process.argv[2] ?? 20);
const grow = (text: string, bytes: number) => text.repeat(Math.ceil(bytes / text.length));
const dmesg = grow(readFileSync(corpus("dell-r7425-kdump-serial", "ttyS0.log"), "utf8"), 2 << 20);
const lspci = grow(
  readFileSync(corpus("hp-dmar-lspci-three-outputs", "lspci.txt"), "utf8"),
  1 << 20,
);
await loadPciIds(); // a tool file, read once per process: not part of an import

async function time(fn: () => unknown): Promise<number> {
  await fn();
  const t: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

const imp = await time(() => importMachine({ dmesg, lspci }));
const split = await time(() => dmesg.split("\n").length + lspci.split("\n").length);
const mb = (s: string) => (s.length / (1 << 20)).toFixed(1);
console.log(`import bench (median of ${rounds}): dmesg ${mb(dmesg)} MB, lspci ${mb(lspci)} MB`);
console.log(`  importMachine            ${imp.toFixed(1)} ms`);
console.log(`  line split (peer)        ${split.toFixed(1)} ms`);
report({
  area: "import",
  name: "import 2 MB dmesg + 1 MB lspci, in process",
  value: imp,
  unit: "ms",
  target: 50,
  kind: "max",
  note: `peer in the same run: a plain line split of the same text ${split.toFixed(1)} ms (${(imp / split).toFixed(1)}x)`,
});
