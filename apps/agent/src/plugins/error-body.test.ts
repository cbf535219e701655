// Every error body reaches the wire through one conversion: each registry code, carrying a
// CPU, a memory (bigint ranges) and a device diagnostic, answers its status with its code and
// the diagnostics in their wire form, and the body matches the documented error schema.
import { Ajv } from "ajv";
import Fastify, { type FastifyInstance, type RouteOptions } from "fastify";
import { diagnosticsToJson, type Diagnostic } from "@tessera/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activeProfileApp, until, type Login, type TestApp } from "../../test/integration/helpers";
import { AgentError, ERRORS, errorBodySchema, type ErrorCode } from "../errors";
import { installErrorHandler } from "./errors";
import { HTTP_ROUTES } from "../routes/api/index";

const cpu: Diagnostic = {
  code: "CPU-SHARED",
  severity: "error",
  path: "instances[1].cpus",
  instance: "os2",
  message: "Core 4 belongs to os3.",
  hint: "Give it to one of them.",
  subject: { cpus: [4] },
};
const memory: Diagnostic = {
  code: "MEM-OVERLAP",
  severity: "error",
  path: "instances[2].memory[0]",
  instance: "os3",
  message: "Overlaps os2.",
  hint: "Move it.",
  subject: { ranges: [{ start: 0x100000000n, size: 0x200000n }] },
};
const device: Diagnostic = {
  code: "DEV-SHARED",
  severity: "error",
  path: "instances[2].devices[0]",
  instance: "os3",
  message: "0000:01:00.0 belongs to os2.",
  hint: "Give it to one of them.",
  subject: { devices: ["0000:01:00.0"] },
};

const validBody = new Ajv({ strict: false }).compile(errorBodySchema);

let t: TestApp;
let op: Login;
let id: string;
// A bare Fastify app with the agent's error handler and a route that throws whatever the
// table asks for: every registry code passes through the real handler and response schemas.
let bare: FastifyInstance;
const thrown = new Map<string, AgentError>();

beforeAll(async () => {
  ({ t, op, id } = await activeProfileApp());
  bare = Fastify();
  installErrorHandler(bare);
  bare.get<{ Params: { key: string } }>(
    "/throw/:key",
    { schema: { response: { 200: { type: "object" } } } },
    async (req) => {
      throw thrown.get(req.params.key)!;
    },
  );
});
afterAll(async () => {
  await bare.close();
  await t.app.close();
  t.env.cleanup();
});

const codes = Object.keys(ERRORS) as ErrorCode[];
const table = codes.flatMap((code) =>
  [cpu, memory, device].map((d) => ({ code, diag: d.code, d })),
);

describe("error bodies", () => {
  it.each(table)("$code with a $diag diagnostic is sent in its wire form", async ({ code, d }) => {
    const key = `${code}-${d.code}`;
    thrown.set(key, new AgentError(code, { diagnostics: [d], current: { at: 1n } }));
    const res = await bare.inject({ url: `/throw/${key}` });
    expect(res.statusCode).toBe(ERRORS[code].status);
    const body = res.json();
    expect(validBody(body), JSON.stringify(validBody.errors)).toBe(true);
    expect(body.error.code).toBe(code);
    expect(body.error.diagnostics).toEqual(diagnosticsToJson([d]));
  });

  it("sends a planned overlap of memory as 422 LAYOUT-INVALID with hex ranges", async () => {
    const bad = structuredClone(t.env.profile) as {
      instances: { memory: { start: string; size: string }[] }[];
    };
    bad.instances[2]!.memory = [{ start: "0x100000000", size: "1G" }];
    const res = await t.app.inject({
      method: "POST",
      url: "/api/plan",
      headers: op.headers,
      payload: { profile: bad },
    });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(validBody(body)).toBe(true);
    expect(body.error.code).toBe("LAYOUT-INVALID");
    const overlap = body.error.diagnostics.find((x: { code: string }) => x.code === "MEM-OVERLAP");
    expect(overlap.subject.ranges[0].start).toMatch(/^0x[0-9a-f]+$/);
  });

  it("sends a memory conflict with a running instance as 409 RESOURCE-LOCKED", async () => {
    const start = await t.app.inject({
      method: "POST",
      url: "/api/instances/os2/start",
      headers: op.headers,
    });
    expect(start.statusCode).toBe(202);
    await until(
      () => (t.app.tessera.instances.view("os2").state === "running" ? true : undefined),
      5000,
      "os2 running",
    );
    const cur = (await t.app.inject({ url: `/api/profiles/${id}`, headers: op.headers })).json();
    const steal = structuredClone(cur.profile);
    steal.instances[2].memory = [{ start: "0x100000000", size: "1G" }];
    const res = await t.app.inject({
      method: "PUT",
      url: `/api/profiles/${id}`,
      headers: op.headers,
      payload: { baseVersion: cur.version, profile: steal },
    });
    expect(res.statusCode).toBe(409);
    const body = res.json();
    expect(validBody(body)).toBe(true);
    expect(body.error.code).toBe("RESOURCE-LOCKED");
    const mem = body.error.diagnostics.find(
      (x: { subject?: { ranges?: unknown[] } }) => x.subject?.ranges,
    );
    expect(mem.subject.ranges[0]).toEqual({ start: "0x100000000", size: "0x40000000" });
  });

  it("is every route's 4xx and 5xx response schema", async () => {
    // The route plugins on a bare app with the agent's error handler and real services.
    const probe = Fastify();
    probe.decorate("tessera", t.app.tessera);
    installErrorHandler(probe);
    const seen: RouteOptions[] = [];
    probe.addHook("onRoute", (r) => {
      seen.push(r);
    });
    for (const routes of HTTP_ROUTES) await probe.register(routes, { prefix: "/api" });
    await probe.ready();
    expect(seen.length).toBeGreaterThan(30);
    for (const r of seen) {
      const response = (r.schema?.response ?? {}) as Record<string, unknown>;
      expect(response["4xx"], `${String(r.method)} ${r.url}`).toBe(errorBodySchema);
      expect(response["5xx"], `${String(r.method)} ${r.url}`).toBe(errorBodySchema);
    }
    await probe.close();
  });
});
