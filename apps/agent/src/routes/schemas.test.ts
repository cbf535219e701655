// Core's JSON Schemas at work in the agent: Fastify compiles them (validator and
// fast-json-stringify serialiser), they accept what core's codec writes and refuse malformed
// input; every route of the resources below declares a response schema for its success
// status; a profile carrying a number where an address string belongs is a 400 with its path.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Fastify, { type FastifyInstance, type RouteOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  diagnosticsJsonSchema,
  diagnosticsToJson,
  machineJsonSchema,
  machineToJson,
  parseProfile,
  plan,
  planJsonSchema,
  planToJson,
  profileJsonSchema,
  profileToJson,
  rangeJsonSchema,
  validate,
} from "@tessera/core";
import { installErrorHandler } from "../plugins/errors";
import { strictValidator } from "./api/profiles/schemas";
import sessionRoutes from "./api/session/index";
import machineRoutes from "./api/machine/index";
import profileRoutes from "./api/profiles/index";
import profileVersionRoutes from "./api/profiles/versions";
import planRoutes from "./api/plan/index";
import auditRoutes from "./api/audit/index";
import userRoutes from "./api/users/index";
import settingsRoutes from "./api/settings/index";
import guestRoutes from "./api/guest/index";
import grubRoutes from "./api/grub/index";
import {
  exampleMachine,
  operatorApp,
  REPO,
  type Login,
  type TestApp,
} from "../../test/integration/helpers";

const OWNED = [
  sessionRoutes,
  machineRoutes,
  profileRoutes,
  profileVersionRoutes,
  planRoutes,
  auditRoutes,
  userRoutes,
  settingsRoutes,
  guestRoutes,
  grubRoutes,
];
const OWNED_PREFIXES = [
  "/api/session",
  "/api/machine",
  "/api/profiles",
  "/api/validate",
  "/api/plan",
  "/api/audit",
  "/api/users",
  "/api/settings",
  "/api/guest",
  "/api/grub",
];

const exampleProfileJson = () =>
  JSON.parse(readFileSync(join(REPO, "examples/profile.json"), "utf8")) as Record<string, unknown>;

/** Real data: the examples round-tripped through core's codec, a plan, broken diagnostics. */
function wireForms() {
  const machine = exampleMachine();
  const p = parseProfile(exampleProfileJson());
  if (!p.ok) throw new Error("the example profile must parse");
  const r = plan(machine, p.value);
  if (!r.ok) throw new Error("the example profile must plan");
  // Every instance on core 0 and the same memory: errors with subjects (cores, ranges).
  const broken = {
    ...p.value,
    instances: p.value.instances.map((i) => ({
      ...i,
      cpus: [0],
      memory: p.value.instances[0]!.memory,
    })),
  };
  const diagnostics = diagnosticsToJson(validate(machine, broken));
  return {
    machine: machineToJson(machine) as Record<string, unknown>,
    profile: profileToJson(p.value) as Record<string, unknown>,
    plan: planToJson(r.plan) as Record<string, unknown>,
    diagnostics,
  };
}

/**
 * A bare Fastify app with one echo route per schema: the body is validated with the
 * validator the profile routes use (no type coercion) and answered through the same schema
 * as a response, so a field the serialiser drops shows as a difference.
 */
async function echoApp(): Promise<FastifyInstance> {
  const app = Fastify({ ajv: { customOptions: { removeAdditional: false, allErrors: false } } });
  installErrorHandler(app);
  const routes: [string, object][] = [
    ["/machine", machineJsonSchema],
    ["/profile", profileJsonSchema],
    ["/plan", planJsonSchema],
    ["/diagnostics", { type: "object", properties: { d: diagnosticsJsonSchema } }],
    ["/range", rangeJsonSchema],
  ];
  for (const [url, schema] of routes) {
    app.post(
      url,
      { validatorCompiler: strictValidator, schema: { body: schema, response: { 200: schema } } },
      async (req) => req.body,
    );
  }
  await app.ready();
  return app;
}

describe("core's JSON Schemas through Fastify", () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await echoApp();
  });
  afterAll(() => app.close());
  const post = (url: string, payload: unknown) =>
    app.inject({ method: "POST", url, payload: payload as object });

  it("accept what the codec writes and serialise it without dropping a field", async () => {
    const w = wireForms();
    expect(w.diagnostics.length).toBeGreaterThan(0);
    const cases: [string, unknown][] = [
      ["/machine", w.machine],
      ["/profile", w.profile],
      ["/plan", w.plan],
      ["/diagnostics", { d: w.diagnostics }],
      ["/range", { start: "0x100000", size: "0x1000" }],
    ];
    for (const [url, body] of cases) {
      const res = await post(url, body);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      expect(res.json(), url).toEqual(body);
    }
    // A profile may carry decimal and suffixed sizes (parseProfile reads them).
    const p = structuredClone(w.profile) as { instances: { memory: object[] }[] };
    p.instances[1]!.memory[0] = { start: "4294967296", size: "1G" };
    expect((await post("/profile", p)).statusCode).toBe(200);
  });

  it("refuse a number where a hex string belongs, an unknown e820 type, a missing schema", async () => {
    const w = wireForms();
    const numberAddr = structuredClone(w.machine) as { memoryMap: { start: unknown }[] };
    numberAddr.memoryMap[0]!.start = 4096;
    const e820 = structuredClone(w.machine) as { memoryMap: { type: unknown }[] };
    e820.memoryMap[1]!.type = "acpi-reclaim";
    const noSchema = structuredClone(w.profile);
    delete noSchema.schema;
    const planNumber = structuredClone(w.plan) as { successors: { memMin: unknown }[] };
    planNumber.successors[0]!.memMin = 4294967296;
    const profileNumber = structuredClone(w.profile) as {
      instances: { memory: { size: unknown }[] }[];
    };
    profileNumber.instances[1]!.memory[0]!.size = 1073741824;
    const cases: [string, unknown, string][] = [
      ["/machine", numberAddr, "memoryMap[0].start"],
      ["/machine", e820, "memoryMap[1].type"],
      ["/profile", noSchema, "schema"],
      ["/machine", { ...w.machine, schema: "tessera/machine@2" }, "schema"],
      ["/plan", planNumber, "successors[0].memMin"],
      ["/profile", profileNumber, "instances[1].memory[0].size"],
      ["/range", { start: "0x1000", size: "12Q" }, "size"],
    ];
    for (const [url, body, path] of cases) {
      const res = await post(url, body);
      expect(res.statusCode, `${url} ${path}`).toBe(400);
      expect(res.json().error, `${url} ${path}`).toMatchObject({ code: "BODY-INVALID", path });
    }
  });
});

describe("the agent's routes", () => {
  let t: TestApp;
  let op: Login;
  beforeAll(async () => {
    ({ t, op } = await operatorApp());
  });
  afterAll(async () => {
    await t.app.close();
    t.env.cleanup();
  });

  it("declare a response schema for their success status, on every route of the resources", async () => {
    // The same route plugins, registered on a bare app with the real services, to read
    // each route's options (the agent's route table keeps only method, url and access).
    const probe = Fastify({
      ajv: { customOptions: { removeAdditional: false, allErrors: false } },
    });
    probe.decorate("tessera", t.app.tessera);
    const seen: RouteOptions[] = [];
    probe.addHook("onRoute", (r) => {
      seen.push(r);
    });
    for (const routes of OWNED) await probe.register(routes, { prefix: "/api" });
    await probe.ready(); // compiles every validator and serialiser
    const key = (m: string, u: string) => `${m} ${u}`;
    const probed = new Set(
      seen.flatMap((r) =>
        (Array.isArray(r.method) ? r.method : [r.method])
          .filter((m) => m !== "HEAD")
          .map((m) => key(m, r.url)),
      ),
    );
    const owned = t.app.routeTable.filter((r) => OWNED_PREFIXES.some((p) => r.url.startsWith(p)));
    expect(owned.length).toBeGreaterThan(25);
    expect(new Set(owned.map((r) => key(r.method, r.url)))).toEqual(probed);
    const missing = seen
      .filter((r) => r.method !== "HEAD")
      .filter((r) => !Object.keys(r.schema?.response ?? {}).some((s) => /^2\d\d$/.test(s)))
      .map((r) => key(String(r.method), r.url));
    expect(missing).toEqual([]);
    await probe.close();
  });

  it("answer with one of the declared success statuses", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/profiles",
      headers: op.headers,
      payload: { profile: t.env.profile },
    });
    expect(res.statusCode).toBe(201);
    const id = res.json().id as string;
    expect(res.json().profile).toEqual(profileToJson(t.app.tessera.profiles.get(id)!.profile));
    const exported = await t.app.inject({ url: `/api/profiles/${id}/export`, headers: op.headers });
    expect(exported.json()).toEqual(res.json().profile);
    const del = await t.app.inject({
      method: "DELETE",
      url: `/api/profiles/${id}`,
      headers: op.headers,
    });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe("");
  });

  it("serialise the machine after a rescan with every field GET /api/machine sends", async () => {
    const get = await t.app.inject({ url: "/api/machine", headers: op.headers });
    const rescan = await t.app.inject({
      method: "POST",
      url: "/api/machine/rescan",
      headers: op.headers,
    });
    expect(rescan.statusCode).toBe(200);
    expect(rescan.json()).toEqual(get.json());
    expect(rescan.json().machine).toEqual(machineToJson(t.app.tessera.machine.machine));
  });

  it("refuse a profile with a number where an address string belongs: 400 with the JSON path", async () => {
    const bad = structuredClone(t.env.profile) as { instances: { memory: { start: unknown }[] }[] };
    bad.instances[1]!.memory[0]!.start = 4294967296;
    const path = "profile.instances[1].memory[0].start";
    const created = await t.app.inject({
      method: "POST",
      url: "/api/profiles",
      headers: op.headers,
      payload: { profile: t.env.profile },
    });
    const id = created.json().id as string;
    const cases: [string, string, object, string][] = [
      ["POST", "/api/profiles", { profile: bad }, path],
      ["PUT", `/api/profiles/${id}`, { baseVersion: 1, profile: bad }, path],
      ["POST", "/api/validate", { profile: bad }, path],
      ["POST", "/api/plan", { profile: bad, format: "sh" }, path],
      ["POST", "/api/profiles/import", bad, "instances[1].memory[0].start"],
    ];
    for (const [method, url, payload, want] of cases) {
      const res = await t.app.inject({
        method: method as "POST",
        url,
        headers: op.headers,
        payload,
      });
      expect(res.statusCode, `${method} ${url}`).toBe(400);
      expect(res.json().error, `${method} ${url}`).toMatchObject({
        code: "BODY-INVALID",
        path: want,
      });
    }
    // Nothing was written: the stored profile is still version 1.
    expect(t.app.tessera.profiles.get(id)!.version).toBe(1);
  });
});
