// Every error the agent sends has the documented shape and a code of the registry, also the
// ones Fastify and Node answer before a route runs: an over-long path parameter (414), a
// malformed URL, malformed HTTP and over-large headers on a real socket, a request while the
// agent shuts down.
import { connect } from "node:net";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addUser,
  login,
  operatorApp,
  testApp,
  type Login,
  type TestApp,
} from "../../test/integration/helpers";
import { ERRORS, errorBodySchema } from "../errors";

const validBody = new Ajv({ strict: false }).compile(errorBodySchema);

let t: TestApp;
let op: Login;
let port: number;

beforeAll(async () => {
  ({ t, op } = await operatorApp());
  await t.app.listen({ host: "127.0.0.1", port: 0 });
  port = (t.app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await t.app.close();
  t.env.cleanup();
});

function expectDocumented(status: number, text: string, code: string): void {
  const body = JSON.parse(text) as { error: { code: keyof typeof ERRORS } };
  expect(validBody(body), text).toBe(true);
  expect(body.error.code).toBe(code);
  expect(ERRORS[body.error.code].status).toBe(status);
}

/** Sends raw bytes on a real socket and returns the status line's code and the body. */
function raw(bytes: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1");
    let text = "";
    s.on("data", (d) => (text += String(d)));
    s.on("error", reject);
    s.on("close", () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      resolve({ status, body: text.slice(text.indexOf("\r\n\r\n") + 4) });
    });
    s.end(bytes);
  });
}

describe("errors before a route runs", () => {
  it("answers an over-long path parameter with 414 URL-TOO-LONG", async () => {
    for (const url of [
      `/api/profiles/${"x".repeat(150)}`,
      `/api/profiles/a/versions/${"1".repeat(120)}`,
    ]) {
      const r = await t.app.inject({ url, headers: op.headers });
      expect(r.statusCode).toBe(414);
      expectDocumented(414, r.body, "URL-TOO-LONG");
    }
  });

  it("answers a malformed percent-escape with 400 URL-INVALID", async () => {
    const r = await t.app.inject({ url: "/api/profiles/%E0%A4%A", headers: op.headers });
    expect(r.statusCode).toBe(400);
    expectDocumented(400, r.body, "URL-INVALID");
  });

  it("answers malformed HTTP and over-large headers on a real socket in the same shape", async () => {
    const garbage = await raw("HELLO THERE\r\n\r\n");
    expect(garbage.status).toBe(400);
    expectDocumented(400, garbage.body, "HTTP-MALFORMED");
    const big = await raw(
      `GET /api/session HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    expect(big.status).toBe(431);
    expectDocumented(431, big.body, "HEADERS-TOO-LARGE");
  });
});

describe("a request while the agent stops", () => {
  it("is answered 503 AGENT-STOPPING in the documented shape", async () => {
    const other = await testApp();
    // Hold the close after the agent's own preClose hook, while the socket still listens.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const inClose = new Promise<void>((r) => (reached = r));
    other.app.addHook("preClose", async () => {
      reached();
      await held;
    });
    await addUser(other.app, "olga", "operator");
    const who = await login(other.app, "olga");
    await other.app.listen({ host: "127.0.0.1", port: 0 });
    const base = `http://127.0.0.1:${(other.app.server.address() as { port: number }).port}`;
    const closing = other.app.close();
    await inClose;
    const r = await fetch(`${base}/api/session`, { headers: { cookie: who.cookie } });
    release();
    await closing;
    other.env.cleanup();
    expect(r.status).toBe(503);
    expectDocumented(503, await r.text(), "AGENT-STOPPING");
  });
});
