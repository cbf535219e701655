// Times a full discovery of the live host and of the largest fixture, side by side with
// `lspci -vvv` + `lscpu` on the same host. Target: no slower than lspci -vvv + lscpu.
// Run: cd apps/agent && npx tsx bench/discovery.bench.ts [ROUNDS]
// eslint-disable-next-line no-restricted-imports -- a bench, not product code: it spawns lspci/lscpu only to compare against them
import { execFileSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { report } from "../../../scripts/bench-report";
import { discoverMachine } from "../src/discovery/index";
import { fixture } from "../test/fixture-paths";

const rounds = Number(process.argv[2] ?? 20);

async function median(fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn(); // warm caches (pci.ids, page cache) the same way for every contender
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function tool(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const live = await median(() => discoverMachine());
const largest = fixture("intel-xeon-e5-2680-2s-16cpu"); // 137 PCI devices, 16 CPUs: the biggest tree
const big = await median(() => discoverMachine({ root: largest }));
const haveTools = tool("lspci", ["-vvv"]) && tool("lscpu", []);
const baseline = haveTools
  ? await median(() => {
      execFileSync("lspci", ["-vvv"], { stdio: "ignore" });
      execFileSync("lscpu", [], { stdio: "ignore" });
    })
  : NaN;

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
console.log(`discovery bench (median of ${rounds})`);
console.log(`  live host discovery                ${fmt(live)}`);
console.log(`  fixture ${largest.split("/").pop()} ${fmt(big)}`);
if (haveTools) {
  console.log(`  lspci -vvv + lscpu (baseline)      ${fmt(baseline)}`);
  report({
    area: "discovery",
    name: "live host discovery vs lspci -vvv + lscpu",
    value: live,
    unit: "ms",
    target: baseline,
    kind: "max",
    note: `target "no slower than lspci -vvv + lscpu", measured in the same run; largest fixture ${fmt(big)}`,
  });
} else {
  console.log(
    "lspci or lscpu is not installed (Debian: pciutils, util-linux): no baseline, no ratio",
  );
}
