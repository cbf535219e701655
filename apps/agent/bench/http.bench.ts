// GET /api/machine under load (autocannon, 20 connections, 5 s) with a real session, against
// a bare Fastify route that returns the same precomputed JSON (the floor: routing and
// serialisation only) in the same run. Figures: requests per second and p99 latency.
import autocannon from "autocannon";
import Fastify from "fastify";
import { report } from "../../../scripts/bench-report";
import { addUser, login, testApp } from "../test/integration/helpers";

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 20;

function load(url: string, headers: Record<string, string>): Promise<autocannon.Result> {
  return new Promise((resolve, reject) =>
    autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers }, (err, r) =>
      err ? reject(err) : resolve(r),
    ),
  );
}

const t = await testApp();
await addUser(t.app, "bench", "viewer");
const url = await t.app.listen({ host: "127.0.0.1", port: 0 });
const { cookie } = await login(t.app, "bench");
const body = JSON.stringify(t.app.tessera.machine.json());

const bare = Fastify();
bare.get("/api/machine", async (_req, reply) => reply.type("application/json").send(body));
const bareUrl = await bare.listen({ host: "127.0.0.1", port: 0 });

await load(`${url}/api/machine`, { cookie }); // warm-up
const base = await load(`${bareUrl}/api/machine`, {});
const mine = await load(`${url}/api/machine`, { cookie });
if (mine.non2xx) console.warn(`warning: ${mine.non2xx} responses were not 2xx`);

const note = `${CONNECTIONS} connections, ${DURATION} s, ${(body.length / 1024).toFixed(1)} KiB body; bare Fastify ${base.requests.average.toFixed(0)} req/s, p99 ${base.latency.p99} ms`;
report({
  area: "agent",
  name: "GET /api/machine throughput",
  value: mine.requests.average,
  unit: "req/s",
  target: 1000,
  kind: "min",
  note,
});
report({
  area: "agent",
  name: "GET /api/machine p99",
  value: mine.latency.p99,
  unit: "ms",
  target: 50,
  kind: "max",
  note,
});
report({
  area: "agent",
  name: "GET /api/machine vs bare Fastify",
  value: base.requests.average / mine.requests.average,
  unit: "x slower",
  target: 2,
  kind: "max",
  note: "the session lookup and auth hook per request",
});
await bare.close();
await t.app.close();
t.env.cleanup();
process.exit(0);
