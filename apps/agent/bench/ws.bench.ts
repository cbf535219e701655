// 200 WebSocket clients each receive 1000 status events from the agent (a real listening
// server, real sessions, the hub's fan-out). Figures: p50 and p99 delivery latency (target
// p99 under 50 ms) and the ratio to a bare `ws` broadcast of the same messages to the same
// number of clients, measured in the same run. Clients and server share this process (and
// its 2 cores), for both the agent and the baseline alike.
import { performance } from "node:perf_hooks";
import WebSocket, { WebSocketServer } from "ws";
import type { InstanceEvent } from "@tessera/core";
import { median, percentile, report } from "../../../scripts/bench-report";
import { addUser, login, testApp } from "../test/integration/helpers";

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const BURST = 10; // events per tick
const TICK_MS = 10;

interface Sink {
  latencies: number[];
  got: number;
}

function openClients(
  url: string,
  protocols: string[],
  headers: Record<string, string>,
): Promise<{ sockets: WebSocket[]; sinks: Sink[] }> {
  const sockets: WebSocket[] = [];
  const sinks: Sink[] = [];
  const opened: Promise<void>[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const ws = new WebSocket(url, protocols, { headers });
    const sink: Sink = { latencies: [], got: 0 };
    ws.on("message", (data) => {
      const m = JSON.parse(String(data)) as { type: string; sentAt?: number };
      if (m.type !== "instance" || m.sentAt === undefined) return;
      sink.latencies.push(performance.now() - m.sentAt);
      sink.got++;
    });
    sockets.push(ws);
    sinks.push(sink);
    opened.push(
      new Promise(
        (resolve, reject) => (ws.once("open", () => resolve()), ws.once("error", reject)),
      ),
    );
  }
  return Promise.all(opened).then(() => ({ sockets, sinks }));
}

function event(i: number): InstanceEvent {
  return {
    type: "instance",
    at: new Date().toISOString(),
    name: "os2",
    state: i % 2 ? "running" : "booting",
    previous: i % 2 ? "booting" : "running",
    reason: null,
    phase: "kernel-booting",
    instance: {
      name: "os2",
      index: 2,
      role: "successor",
      state: "running",
      reason: null,
      since: null,
      phase: "running",
      cpus: [4, 5, 6, 7],
      locked: true,
      lastHeartbeat: null,
      profileVersion: 1,
      phases: [],
      deadline: null,
    },
  };
}

/** Publishes EVENTS in bursts and waits until every client has them all. */
async function drive(publish: (i: number) => void, sinks: Sink[]): Promise<number[]> {
  for (let i = 0; i < EVENTS; i += BURST) {
    for (let j = i; j < Math.min(EVENTS, i + BURST); j++) publish(j);
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
  const deadline = Date.now() + 60_000;
  while (sinks.some((s) => s.got < EVENTS) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  const missing = sinks.reduce((n, s) => n + (EVENTS - s.got), 0);
  if (missing) console.warn(`warning: ${missing} deliveries missing after 60 s`);
  return sinks.flatMap((s) => s.latencies);
}

async function baseline(): Promise<number[]> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((r) => wss.once("listening", r));
  const port = (wss.address() as { port: number }).port;
  const { sockets, sinks } = await openClients(`ws://127.0.0.1:${port}`, [], {});
  const lat = await drive((i) => {
    const text = JSON.stringify({ ...event(i), seq: i + 1, sentAt: performance.now() });
    for (const c of wss.clients) c.send(text);
  }, sinks);
  for (const s of sockets) s.close();
  await new Promise((r) => wss.close(r));
  return lat;
}

async function agent(): Promise<number[]> {
  const t = await testApp();
  await addUser(t.app, "bench", "viewer");
  const url = await t.app.listen({ host: "127.0.0.1", port: 0 });
  const { cookie } = await login(t.app, "bench");
  const { sockets, sinks } = await openClients(
    url.replace("http", "ws") + "/api/ws",
    ["tessera.ws.v1"],
    { cookie, origin: url },
  );
  const lat = await drive(
    // sentAt rides along outside the protocol's fields, only for this measurement.
    (i) => t.app.tessera.hub.publish(Object.assign(event(i), { sentAt: performance.now() })),
    sinks,
  );
  for (const s of sockets) s.close();
  await t.app.close();
  t.env.cleanup();
  return lat;
}

// Warm-up round of each (JIT, sockets), then the measured rounds.
await baseline();
await agent();
const base = await baseline();
const mine = await agent();
const bp99 = percentile(base, 99);
const p99 = percentile(mine, 99);
const note = `${CLIENTS} clients x ${EVENTS} events; bare ws p50 ${median(base).toFixed(2)} ms, p99 ${bp99.toFixed(2)} ms; agent/bare p99 ratio ${(p99 / bp99).toFixed(2)}`;
report({
  area: "agent",
  name: "ws delivery p50",
  value: median(mine),
  unit: "ms",
  target: 50,
  kind: "max",
  note,
});
report({
  area: "agent",
  name: "ws delivery p99",
  value: p99,
  unit: "ms",
  target: 50,
  kind: "max",
  note,
});
report({
  area: "agent",
  name: "ws p99 vs bare ws broadcast",
  value: p99 / bp99,
  unit: "x",
  target: 2,
  kind: "max",
  note: "same run, same clients and pacing",
});
process.exit(0);
