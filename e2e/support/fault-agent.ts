// Test harness: the real agent (the same loadConfig + startServer as `tessera serve`, real
// SQLite, the real dry-run loader) with faults injected into that dry-run loader through its
// own `inject()` API. It exists only because `tessera serve` has no option for dry-run
// faults yet; once it has one (e.g. --dry-run-faults), agent-process.ts uses that instead.
// Usage: node --import tsx e2e/support/fault-agent.ts --faults JSON [serve flags…]
import { loadConfig, startServer } from "@tessera/agent";

interface Fault {
  instance?: string;
  at: string;
  kind: "fail" | "hang" | "crash-while-running";
}

const argv = process.argv.slice(2);
const flags: Record<string, string> = {};
let faults: Fault[] = [];
for (let i = 0; i < argv.length; i += 2) {
  const k = argv[i]!.replace(/^--/, "");
  const v = argv[i + 1] ?? "";
  if (k === "faults") faults = JSON.parse(v) as Fault[];
  else flags[k] = v;
}
const io = {
  out: (t: string) => process.stdout.write(t + "\n"),
  err: (t: string) => process.stderr.write(t + "\n"),
  env: process.env,
};
const cfg = await loadConfig({ flags, env: process.env, cwd: process.cwd() });
const started = await startServer(cfg, io);
const loader = started.loader as unknown as { kind: string; inject?: (f: Fault) => void };
if (loader.kind !== "dry-run" || !loader.inject) throw new Error("faults need the dry-run loader");
for (const f of faults) loader.inject(f);
io.out(`fault harness: injected ${JSON.stringify(faults)}`);
io.out(`Tessera agent listening on ${started.url} (loader: dry-run with faults)`);
const stop = () => void started.app.close().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
