// The live protocol against a real listening server on loopback: authentication, Origin,
// version, snapshot, sequence numbers, resume after reconnect.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { activeProfileApp, login, openLive, until, type Login, type TestApp } from "./helpers";

let t: TestApp;
let op: Login;
let base: string;

beforeAll(async () => {
  ({ t, op } = await activeProfileApp());
  base = await t.app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await t.app.close();
  t.env.cleanup();
});

const open = (
  query = "",
  headers: Record<string, string> = {},
  protocol: string | null = "tessera.ws.v1",
) => openLive(base, op, query, headers, protocol);

describe("live WebSocket", () => {
  it("refuses a connection without a session or from another origin", async () => {
    await expect(open("", { cookie: "" })).rejects.toThrow("HTTP 401");
    await expect(open("", { origin: "http://evil.example" })).rejects.toThrow("HTTP 403");
  });

  it("compares the Origin with the configured origins, never with the request's own Host", async () => {
    const port = new URL(base).port;
    // DNS rebinding: evil.example resolves to 127.0.0.1, so Host and Origin agree.
    await expect(
      open("", { origin: `http://evil.example:${port}`, host: `evil.example:${port}` }),
    ).rejects.toThrow("HTTP 403");
    await expect(
      open("", { origin: `https://evil.example:${port}`, host: `evil.example:${port}` }),
    ).rejects.toThrow("HTTP 403");
    // The listen address (and its loopback names) and --allowed-origin are accepted.
    for (const origin of [base, `http://localhost:${port}`])
      (await open("", { origin })).ws.close();
    await expect(open("", { origin: "https://console.example" })).rejects.toThrow("HTTP 403");
    t.app.tessera.config.allowedOrigins.push("https://console.example");
    (await open("", { origin: "https://console.example" })).ws.close();
  });

  it("refuses a client that does not speak tessera.ws.v1", async () => {
    const c = await open("", {}, null);
    expect(await c.closed).toBe(4406);
    expect(c.messages[0]).toMatchObject({ type: "error", code: "WS-VERSION" });
  });

  it("sends a snapshot, then numbered instance events with timestamps", async () => {
    const c = await open();
    await until(() => (c.messages.length ? true : undefined));
    const snap = c.messages[0]! as {
      type: string;
      seq: number;
      epoch: string;
      instances: { name: string }[];
      loader: { kind: string };
    };
    expect(snap.type).toBe("snapshot");
    expect(snap.instances.map((i) => i.name)).toEqual(["os1", "os2", "os3"]);
    expect(snap.loader.kind).toBe("dry-run");
    await t.app.inject({ method: "POST", url: "/api/instances/os2/start", headers: op.headers });
    await until(
      () => c.messages.find((m) => m.type === "instance" && m.state === "running"),
      5000,
      "running event",
    );
    const events = c.messages
      .slice(1)
      .filter((m) => typeof m.seq === "number" && m.type !== "heartbeat");
    const seqs = events.map((m) => m.seq as number);
    expect(seqs).toEqual(seqs.map((_, i) => snap.seq + 1 + i));
    expect(
      events.every((m) => typeof m.at === "string" && !Number.isNaN(Date.parse(m.at as string))),
    ).toBe(true);
    c.ws.close();
  });

  it("resumes after a reconnect with exactly the missed events, or a snapshot for another epoch", async () => {
    const c = await open();
    await until(() => (c.messages.length ? true : undefined));
    const snap = c.messages[0] as { seq: number; epoch: string };
    c.ws.close();
    await c.closed;
    // Things happen while the client is away: a stop of os2 (several events).
    await t.app.inject({ method: "POST", url: "/api/instances/os2/stop", headers: op.headers });
    await until(() => (t.app.tessera.instances.view("os2").state === "stopped" ? true : undefined));
    const missedTo = t.app.tessera.hub.seq;
    const r = await open(`?since=${snap.seq}&epoch=${snap.epoch}`);
    await until(
      () => (r.messages.length >= 1 + missedTo - snap.seq ? true : undefined),
      3000,
      "missed events",
    );
    expect(r.messages[0]).toMatchObject({ type: "resumed", from: snap.seq + 1, to: missedTo });
    const seqs = r.messages.slice(1, 1 + missedTo - snap.seq).map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: missedTo - snap.seq }, (_, i) => snap.seq + 1 + i));
    expect(r.messages.slice(1).some((m) => m.type === "instance" && m.state === "stopped")).toBe(
      true,
    );
    r.ws.close();
    const other = await open(`?since=${snap.seq}&epoch=some-earlier-run`);
    await until(() => (other.messages.length ? true : undefined));
    expect(other.messages[0]!.type).toBe("snapshot");
    other.ws.close();
  });

  it("announces profile changes made by other operators", async () => {
    const c = await open();
    const id = t.app.tessera.profiles.activeId()!;
    const cur = (await t.app.inject({ url: `/api/profiles/${id}`, headers: op.headers })).json();
    const next = structuredClone(cur.profile);
    next.instances[2].cmdline = "quiet";
    await t.app.inject({
      method: "PUT",
      url: `/api/profiles/${id}`,
      headers: op.headers,
      payload: { baseVersion: cur.version, profile: next },
    });
    const ev = await until(
      () => c.messages.find((m) => m.type === "profile"),
      3000,
      "profile event",
    );
    expect(ev).toMatchObject({ action: "updated", id, version: cur.version + 1, by: "olga" });
    c.ws.close();
  });

  it("ends a live connection when its session logs out", async () => {
    const other = await login(t.app, "olga");
    const c = await open("", { cookie: other.cookie });
    const bystander = await open();
    await t.app.inject({ method: "DELETE", url: "/api/session", headers: other.headers });
    expect(await c.closed).toBe(4401);
    expect(bystander.ws.readyState).toBe(WebSocket.OPEN);
    bystander.ws.close();
  });

  it("cuts off a client that stops reading instead of stalling the others", async () => {
    const slow = await open();
    const fast = await open();
    await until(() => (slow.messages.length && fast.messages.length ? true : undefined));
    // The slow client stops reading its socket: the server's send buffer for it fills up.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const line = "x".repeat(16 * 1024);
    const first = t.app.tessera.hub.seq + 1;
    const count = 1000; // 16 MiB in all, beyond the 4 MiB per-client limit plus socket buffers
    const fastGot = () =>
      fast.messages.filter((m) => m.type === "log" && (m.seq as number) >= first).length;
    for (let i = 0; i < count; i++) {
      // The fast client reads in this same process: publishing waits until it is at most
      // 100 lines (1.6 MiB) behind, as a reading client on a loaded machine would be, so only
      // the client that stopped reading passes the limit.
      if (i % 50 === 0 && i > 0)
        await until(() => (fastGot() >= i - 100 ? true : undefined), 10_000, "fast client reads");
      t.app.tessera.hub.publish({
        type: "log",
        at: new Date().toISOString(),
        name: "os2",
        stream: "loader",
        line,
      });
    }
    await until(
      () => (fastGot() === count ? true : undefined),
      20_000,
      "fast client got everything",
    );
    expect(fast.ws.readyState).toBe(WebSocket.OPEN);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await slow.closed).toBe(4408);
    fast.ws.close();
  }, 30_000);

  it("answers a ping with a heartbeat carrying the latest seq", async () => {
    const c = await open();
    await until(() => (c.messages.length ? true : undefined));
    c.ws.send(JSON.stringify({ type: "ping" }));
    const hb = await until(() => c.messages.find((m) => m.type === "heartbeat"), 3000, "heartbeat");
    expect(hb.seq).toBe(t.app.tessera.hub.seq);
    c.ws.send("not json"); // ignored, the connection stays
    c.ws.send(JSON.stringify({ type: "ping" }));
    await until(
      () => (c.messages.filter((m) => m.type === "heartbeat").length === 2 ? true : undefined),
      3000,
      "second heartbeat",
    );
    c.ws.close();
  });
});
