// The instance routes serialise through their response schemas (core's wire/reply-schemas.ts): every route
// declares one for its success status, and what a client receives equals what the lifecycle
// returned, field for field (a field the schema lacked would silently vanish).
import Fastify, { type RouteOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  activeProfileApp,
  until,
  type Login,
  type TestApp,
} from "../../../../test/integration/helpers";
import { os1Report } from "../../../lifecycle/os1-cmdline";
import instanceRoutes from "./index";

let t: TestApp;
let op: Login;

beforeAll(async () => {
  ({ t, op } = await activeProfileApp());
});
afterAll(async () => {
  await t.app.close();
  t.env.cleanup();
});

const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

describe("instance routes and their response schemas", () => {
  it("declare a response schema for their success status, on every route", async () => {
    const probe = Fastify();
    probe.decorate("tessera", t.app.tessera);
    const seen: RouteOptions[] = [];
    probe.addHook("onRoute", (r) => {
      seen.push(r);
    });
    await probe.register(instanceRoutes, { prefix: "/api" });
    await probe.ready();
    const routes = seen.filter((r) => r.method !== "HEAD");
    expect(routes.length).toBeGreaterThanOrEqual(7);
    const missing = routes
      .filter((r) => !Object.keys(r.schema?.response ?? {}).some((s) => /^2\d\d$/.test(s)))
      .map((r) => `${String(r.method)} ${r.url}`);
    expect(missing).toEqual([]);
    await probe.close();
  });

  it("send every field the lifecycle returns: list with phases, log, start, start-all, os1", async () => {
    const start = await t.app.inject({
      method: "POST",
      url: "/api/instances/os2/start",
      headers: op.headers,
    });
    expect(start.statusCode).toBe(202);
    expect(start.json().instance).toMatchObject({ name: "os2", state: "loading", phases: [] });
    await until(
      () => (t.app.tessera.instances.view("os2").state === "running" ? true : undefined),
      5000,
      "os2 running",
    );
    t.guestAlive.value = false; // no heartbeat changes the state between the two reads
    await new Promise((r) => setTimeout(r, 100));
    const list = await t.app.inject({ url: "/api/instances", headers: op.headers });
    expect(list.json()).toEqual(plain(t.app.tessera.instances.list()));
    expect(list.json().instances[1].phases.length).toBe(6);
    const log = await t.app.inject({ url: "/api/instances/os2/log", headers: op.headers });
    expect(log.json()).toEqual(plain(t.app.tessera.instances.log("os2")));
    expect(log.json().lines.length).toBeGreaterThan(5);
    const os1 = await t.app.inject({ url: "/api/os1", headers: op.headers });
    expect(os1.json()).toEqual(plain(await os1Report(t.app.tessera)));
    const all = await t.app.inject({
      method: "POST",
      url: "/api/instances/start-all",
      headers: op.headers,
    });
    expect(all.statusCode).toBe(202);
    const names = (all.json().instances as { name: string; phases: unknown[] }[]).map(
      (i) => i.name,
    );
    expect(names).toEqual(["os1", "os2", "os3"]);
  });
});
