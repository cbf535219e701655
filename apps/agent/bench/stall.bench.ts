// How long a viewer can delay another user's request: a viewer keeps four of the largest
// profiles the limits allow in validation (POST /api/validate, on the worker thread) while
// another user signs in and reads GET /api/session over a real socket. Figure: the worst
// extra latency of those requests against the same requests with no attack (the peer).
import { performance } from "node:perf_hooks";
import { report } from "../../../scripts/bench-report";
import { addUser, exampleMachine, login, testApp } from "../test/integration/helpers";
import { profileLimits } from "../src/lifecycle/profile-limits";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 60);

const machine = exampleMachine();
const limits = profileLimits(machine);
const cpus = machine.cpus.map((c) => c.apicId);
const worst = {
  schema: "tessera/profile@1",
  name: "worst",
  instances: Array.from({ length: limits.instances }, (_, i) => ({
    name: `os${i + 1}`,
    cpus,
    memory:
      i === 0
        ? [{ start: "0x0", size: "4G" }]
        : Array.from({ length: limits.rangesPerInstance }, (_, k) => ({
            start: `0x${(0x100000000 + k * 0x200000).toString(16)}`,
            size: "0x40000000",
          })),
    devices: machine.devices.map((d) => d.id),
  })),
};

const t = await testApp();
await addUser(t.app, "vera", "viewer");
await addUser(t.app, "olga", "operator");
const url = await t.app.listen({ host: "127.0.0.1", port: 0 });
const vera = await login(t.app, "vera");
const olga = await login(t.app, "olga");

async function latencies(): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const at = performance.now();
    await fetch(`${url}/api/session`, { headers: { cookie: olga.cookie } });
    out.push(performance.now() - at);
  }
  return out.sort((a, b) => a - b);
}

await latencies(); // warm-up
const quiet = await latencies();
let attacking = true;
const attack = async () => {
  while (attacking)
    await fetch(`${url}/api/validate`, {
      method: "POST",
      headers: { ...vera.headers, "content-type": "application/json" },
      body: JSON.stringify({ profile: worst }),
    });
};
const attackers = Array.from({ length: 4 }, attack);
await new Promise((r) => setTimeout(r, 200));
const loud = await latencies();
attacking = false;
await Promise.all(attackers);
await t.app.close();
t.env.cleanup();

const p99 = (xs: number[]) => xs[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]!;
report({
  area: "agent",
  name: "delay a viewer's validations add to another user's request (p99)",
  value: Math.max(0, p99(loud) - p99(quiet)),
  unit: "ms",
  target: 50,
  kind: "max",
  note: `${ROUNDS} GET /api/session; p99 ${p99(loud).toFixed(1)} ms under 4 worst-case validations in flight, ${p99(quiet).toFixed(1)} ms without (peer)`,
});
