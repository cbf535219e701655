// Whole-process figures of the built CLI and agent, each measured side by side with its peer
// in the same run (interleaved rounds, medians), so a loaded machine slows both alike:
//   tessera --help vs `node -e 0`; validate and plan on the example vs `node -e 0`;
//   discover --json vs `lspci -vvv` + `lscpu`; discover --root on a real server's capture
//   vs `jailhouse config create -r` on the same tree; serve's first answer; the agent's RSS
//   after start; validate's peak RSS.
// Jailhouse is not packaged: point JAILHOUSE_SRC at a checkout of github.com/siemens/jailhouse
// (default .cache/jailhouse) and JAILHOUSE_PYTHON at a Python with mako (default
// .cache/jailhouse-venv/bin/python, else python3; Debian: python3-mako). Without them the row
// says why and has no number.
// Run: npx tsx scripts/bench-process.ts (npm run bench runs it after the workspaces' benches).
// eslint-disable-next-line no-restricted-imports -- a developer script: it runs the CLI and its peers
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildAgent } from "../apps/agent/build/build.mjs";
import { staleReason } from "../apps/agent/bin/bundle-state.mjs";
import { median, report } from "./bench-report";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const AGENT = join(ROOT, "apps/agent");
const BIN = join(AGENT, "bin/tessera.mjs");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 11);
const MACHINE = join(ROOT, "examples/machine.json");
const PROFILE = join(ROOT, "examples/profile.json");
const SERVER_TREE = join(
  AGENT,
  "test/fixtures/dell-poweredge-t440-xeon-gold-5118/jailhouse-config-collect",
);
const work = mkdtempSync(join(tmpdir(), "tessera-bench-process-"));
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

type Cmd = [string, ...string[]];
const tessera = (...args: string[]): Cmd => [process.execPath, BIN, ...args];

/** Wall time of one run in ms; a failed run stops the bench (a figure of an error is no figure). */
function once(cmd: Cmd, okStatus = [0]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ["ignore", "ignore", "pipe"], cwd: ROOT });
  const ms = performance.now() - t0;
  if (r.error || !okStatus.includes(r.status ?? -1))
    throw new Error(`${cmd.join(" ")}: exit ${r.status} ${r.error?.message ?? String(r.stderr)}`);
  return ms;
}

/** Medians of interleaved runs of each contender (first round is a warm-up, not counted). */
function sideBySide(contenders: (() => number)[]): number[] {
  contenders.forEach((c) => c());
  const times = contenders.map(() => [] as number[]);
  for (let i = 0; i < ROUNDS; i++) contenders.forEach((c, k) => times[k]!.push(c()));
  return times.map(median);
}

/**
 * A figure whose target is `times` its peer's time, measured in the same run. `floor`, when
 * given, is `node -e 0` in the same rounds: what any Node process costs before it does
 * anything, so a reader sees when the target lies below it.
 */
function ratioRow(
  name: string,
  value: number,
  peer: number,
  times: number,
  peerName: string,
  floor?: number,
): void {
  const below =
    floor === undefined
      ? ""
      : `; node -e 0 alone ${floor.toFixed(1)} ms = ${(floor / peer).toFixed(2)}x the peer`;
  report({
    area: "process",
    name,
    value,
    unit: "ms",
    target: peer * times,
    kind: "max",
    peer: `${peerName}: ${peer.toFixed(1)} ms`,
    note: `target ${times}x the peer; measured ${(value / peer).toFixed(2)}x${below}`,
  });
}

/** Peak RSS in MiB through GNU time, or null when /usr/bin/time is missing. */
function peakRss(cmd: Cmd): number | null {
  if (!existsSync("/usr/bin/time")) return null;
  const r = spawnSync("/usr/bin/time", ["-f", "%M", ...cmd], {
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
    cwd: ROOT,
  });
  const kib = Number(r.stderr.trim().split("\n").pop());
  return Number.isFinite(kib) ? kib / 1024 : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `serve` (discovering this host, as `npm start` does): ms to the first answer, RSS then. */
async function serveOnce(): Promise<{ ms: number; rssMiB: number }> {
  const port = await freePort();
  const data = mkdtempSync(join(work, "data-"));
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [BIN, "serve", "--port", String(port), "--data-dir", data, "--log-level", "warn"],
    {
      cwd: ROOT,
      stdio: "ignore",
      env: { ...process.env, TESSERA_ADMIN_PASSWORD: "bench-password" },
    },
  );
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`tessera serve exited with ${child.exitCode}`);
      try {
        await fetch(`http://127.0.0.1:${port}/api/session`);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 5));
      }
      if (performance.now() - t0 > 20_000) throw new Error("tessera serve did not answer in 20 s");
    }
    const ms = performance.now() - t0;
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    const rssKib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return { ms, rssMiB: rssKib / 1024 };
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

/** The capture tree with its hex dumps turned back into the binary files Jailhouse reads. */
function materialise(tree: string): string {
  const out = join(work, "server-tree");
  cpSync(tree, out, { recursive: true });
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".hex")) {
        const bytes: number[] = [];
        for (const line of readFileSync(p, "utf8").split("\n")) {
          const [, rest] = line.split(":");
          if (rest)
            bytes.push(
              ...rest
                .trim()
                .split(/\s+/)
                .map((b) => parseInt(b, 16)),
            );
        }
        writeFileSync(p.slice(0, -4), Buffer.from(bytes));
        rmSync(p);
      }
    }
  };
  walk(out);
  return out;
}

/** A runnable `jailhouse config create`, or the reason there is none. */
function jailhouse(): { cmd: (root: string) => Cmd } | { missing: string } {
  const src = process.env.JAILHOUSE_SRC ?? join(ROOT, ".cache/jailhouse");
  const tool = join(src, "tools/jailhouse-config-create");
  if (!existsSync(tool)) return { missing: `no Jailhouse checkout at ${src} (set JAILHOUSE_SRC)` };
  const venv = join(ROOT, ".cache/jailhouse-venv/bin/python");
  const python = process.env.JAILHOUSE_PYTHON ?? (existsSync(venv) ? venv : "python3");
  if (spawnSync(python, ["-c", "import mako"]).status !== 0)
    return { missing: `${python} has no mako (set JAILHOUSE_PYTHON)` };
  // pyjailhouse/pci_defs.py is generated by Jailhouse's build (scripts/gen_pci_defs.sh)
  // from include/jailhouse/pci_defs.h: generate it the same way into a copy.
  const copy = join(work, "jailhouse");
  cpSync(join(src, "tools"), join(copy, "tools"), { recursive: true });
  cpSync(join(src, "pyjailhouse"), join(copy, "pyjailhouse"), { recursive: true });
  const header = readFileSync(join(src, "include/jailhouse/pci_defs.h"), "utf8");
  const ids = (prefix: string) =>
    [...header.matchAll(new RegExp(`#define\\s+${prefix}(\\S*)\\s+(\\S*)`, "g"))]
      .map((m) => `        '${m[1]}'\t: ${m[2]},`)
      .join("\n");
  writeFileSync(
    join(copy, "pyjailhouse/pci_defs.py"),
    `from .extendedenum import ExtendedEnum\n\n\nclass PCI_CAP_ID(ExtendedEnum):\n    _ids = {\n${ids("PCI_CAP_ID_")}\n    }\n\n\nclass PCI_EXT_CAP_ID(ExtendedEnum):\n    _ids = {\n${ids("PCI_EXT_CAP_ID_")}\n    }\n`,
  );
  const out = join(work, "jailhouse-cell.c");
  return { cmd: (root) => [python, join(copy, "tools/jailhouse-config-create"), "-r", root, out] };
}

function notMeasured(area: string, name: string, unit: string, target: number, why: string): void {
  report({ area, name, value: NaN, unit, target, kind: "max", note: `not measured: ${why}` });
}

// The bundle the CLI runs; a stale one would send bin/tessera.mjs to tsx and time that.
await buildAgent();
const stale = staleReason(AGENT, ROOT);
if (stale) throw new Error(`the bundle is not current after building it: ${stale}`);

const area = "process";
const node0: Cmd = [process.execPath, "-e", "0"];
{
  const [help, node] = sideBySide([() => once(tessera("--help")), () => once(node0)]);
  ratioRow("tessera --help vs node -e 0", help!, node!, 1.5, "node -e 0");
}
for (const cmd of ["validate", "plan"]) {
  const args = [cmd, "--machine", MACHINE, "--profile", PROFILE];
  const [t, node] = sideBySide([() => once(tessera(...args)), () => once(node0)]);
  ratioRow(`tessera ${cmd} (example) vs node -e 0`, t!, node!, 2, "node -e 0");
}
{
  const lspci = existsSync("/usr/bin/lspci") || spawnSync("lspci", ["--version"]).status === 0;
  const lscpu = spawnSync("lscpu", ["--version"]).status === 0;
  const name = "tessera discover --json (this host) vs lspci -vvv + lscpu";
  if (!lspci || !lscpu)
    notMeasured(area, name, "ms", NaN, "lspci or lscpu is not installed (pciutils, util-linux)");
  else {
    // discover exits 1 when some file was unreadable (listed under problems): still a full run.
    const [t, peer, node] = sideBySide([
      () => once(tessera("discover", "--json"), [0, 1]),
      () => once(["lspci", "-vvv"]) + once(["lscpu"]),
      () => once(node0),
    ]);
    ratioRow(name, t!, peer!, 3, "lspci -vvv + lscpu", node);
  }
}
{
  const name = "tessera discover --root (Dell T440 capture) vs jailhouse config create -r";
  const jh = jailhouse();
  if ("missing" in jh) notMeasured(area, name, "ms", NaN, jh.missing);
  else {
    const tree = materialise(SERVER_TREE);
    const [t, peer, node] = sideBySide([
      () => once(tessera("discover", "--root", tree, "--json"), [0, 1]),
      () => once(jh.cmd(tree)),
      () => once(node0),
    ]);
    ratioRow(name, t!, peer!, 0.5, "jailhouse config create", node);
  }
}
{
  const runs: { ms: number; rssMiB: number }[] = [];
  for (let i = 0; i < Math.max(3, Math.ceil(ROUNDS / 2)); i++) runs.push(await serveOnce());
  report({
    area,
    name: "tessera serve: first answer after start (discovering this host)",
    value: median(runs.map((r) => r.ms)),
    unit: "ms",
    target: 1000,
    kind: "max",
    note: `median of ${runs.length} starts, each with a fresh data directory`,
  });
  report({
    area,
    name: "tessera serve: RSS at its first answer",
    value: median(runs.map((r) => r.rssMiB)),
    unit: "MiB",
    target: 80,
    kind: "max",
  });
}
{
  const name = "tessera validate (example): peak RSS";
  const cmd = tessera("validate", "--machine", MACHINE, "--profile", PROFILE);
  const node = peakRss(node0);
  const runs = Array.from({ length: 5 }, () => peakRss(cmd));
  if (runs.some((r) => r === null) || node === null)
    notMeasured(area, name, "MiB", 60, "GNU time (/usr/bin/time) is not installed");
  else
    report({
      area,
      name,
      value: median(runs as number[]),
      unit: "MiB",
      target: 60,
      kind: "max",
      note: `node -e 0 peaks at ${node.toFixed(1)} MiB`,
    });
}
