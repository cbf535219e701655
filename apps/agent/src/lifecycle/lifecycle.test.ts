// The instance lifecycle through the HTTP API, with the real dry-run loader of @tessera/kexec.
import { afterEach, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import {
  activeProfileApp,
  addUser,
  login,
  testApp,
  testEnv,
  until,
  type Login,
  type TestApp,
} from "../../test/integration/helpers";
import type { LiveClient } from "../live/hub";
import { endsAtIpi } from "./test-double-ipi-loader";

let t: TestApp;
let op: Login;

async function setup(over: Parameters<typeof testEnv>[0] = {}, delays?: Record<string, number>) {
  const r = await activeProfileApp(testEnv(over), delays);
  ({ t, op } = r);
  expect(r.activated).toBe(200);
  return r.id;
}

afterEach(async () => {
  await t?.app.close();
  t?.env.cleanup();
});

const post = (url: string) => t.app.inject({ method: "POST", url, headers: op.headers });
const state = (name: string) => t.app.tessera.instances.view(name).state;
const reach = (name: string, s: string, ms = 5000) =>
  until(() => (state(name) === s ? true : undefined), ms, `${name} ${s}`);

describe("instance lifecycle", () => {
  it("lists OS1 as running and the successors as defined after activation", async () => {
    await setup();
    const res = await t.app.inject({ url: "/api/instances", headers: op.headers });
    const list = res.json().instances as { name: string; state: string; role: string }[];
    expect(list.map((i) => [i.name, i.role, i.state])).toEqual([
      ["os1", "os1", "running"],
      ["os2", "successor", "defined"],
      ["os3", "successor", "defined"],
    ]);
  });

  it("starts, refuses a second start with 409 and the current state, stops, refuses a second stop", async () => {
    await setup();
    const start = await post("/api/instances/os2/start");
    expect(start.statusCode).toBe(202);
    expect(start.json().instance.state).toBe("loading");
    await reach("os2", "running");
    const again = await post("/api/instances/os2/start");
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({
      code: "INSTANCE-STATE",
      current: { name: "os2", state: "running" },
    });
    expect((await post("/api/instances/os2/stop")).statusCode).toBe(202);
    await reach("os2", "stopped");
    const stopAgain = await post("/api/instances/os2/stop");
    expect(stopAgain.statusCode).toBe(409);
    expect(stopAgain.json().error.current.state).toBe("stopped");
    const audit = await t.app.inject({ url: "/api/audit?instance=os2", headers: op.headers });
    const actions = (audit.json().entries as { action: string; result: string }[]).map(
      (e) => `${e.action}:${e.result}`,
    );
    // Newest first; a result may land just before or after the next request's entry.
    expect([...actions].sort()).toEqual(
      [
        "instance.stop:refused",
        "instance.result:stopped",
        "instance.stop:accepted",
        "instance.start:refused",
        "instance.result:running",
        "instance.start:accepted",
      ].sort(),
    );
    expect(actions.at(-1)).toBe("instance.start:accepted");
    expect(actions[0]).toBe("instance.stop:refused");
  });

  it("persists every transition before it announces it", async () => {
    await setup();
    const seen: string[] = [];
    const client: LiveClient = {
      bufferedAmount: 0,
      close: () => undefined,
      send: (text) => {
        const e = JSON.parse(text) as { type: string; name: string; state: string };
        if (e.type !== "instance") return;
        // At the moment of announcement the database already holds this state.
        expect(
          t.app.tessera.db.prepare("SELECT state FROM instances WHERE name = ?").get(e.name),
        ).toEqual({ state: e.state });
        seen.push(e.state);
      },
    };
    t.app.tessera.hub.add(client);
    await post("/api/instances/os2/start");
    await reach("os2", "running");
    expect(seen[0]).toBe("loading");
    expect(seen).toContain("booting");
    expect(seen.at(-1)).toBe("running");
  });

  it("re-validates against live facts before a start: cores online in OS1, kernel missing", async () => {
    await setup();
    t.online.push(4);
    const online = await post("/api/instances/os2/start");
    expect(online.statusCode).toBe(422);
    expect(online.json().error.code).toBe("START-REFUSED");
    expect(online.json().error.diagnostics.map((d: { code: string }) => d.code)).toContain(
      "CPU-ONLINE",
    );
    t.online.pop();
    rmSync(t.env.kernel);
    const missing = await post("/api/instances/os2/start");
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error.diagnostics.map((d: { code: string }) => d.code)).toContain(
      "FILE-MISSING",
    );
    expect(state("os2")).toBe("defined");
  });

  it("locks the resources of a running instance against profile changes", async () => {
    const id = await setup();
    await post("/api/instances/os2/start");
    await reach("os2", "running");
    const cur = (await t.app.inject({ url: `/api/profiles/${id}`, headers: op.headers })).json();
    const put = (profile: unknown, baseVersion: number) =>
      t.app.inject({
        method: "PUT",
        url: `/api/profiles/${id}`,
        headers: op.headers,
        payload: { baseVersion, profile },
      });
    const shrink = structuredClone(cur.profile);
    shrink.instances[1].cpus = [4, 5];
    const r1 = await put(shrink, cur.version);
    expect(r1.statusCode).toBe(409);
    expect(r1.json().error.code).toBe("RESOURCE-LOCKED");
    const steal = structuredClone(cur.profile);
    steal.instances[2].devices.push("0000:01:00.0");
    const r2 = await put(steal, cur.version);
    expect(r2.statusCode).toBe(409);
    expect(r2.json().error.diagnostics.map((d: { code: string }) => d.code)).toContain(
      "DEV-SHARED",
    );
    const harmless = structuredClone(cur.profile);
    harmless.instances[2].cmdline = "root=/dev/nvme1n1p1 quiet";
    expect((await put(harmless, cur.version)).statusCode).toBe(200);
    const other = await t.app.inject({
      method: "POST",
      url: "/api/profiles",
      headers: op.headers,
      payload: { profile: t.env.profile },
    });
    const act = await post(`/api/profiles/${other.json().id}/activate`);
    expect(act.statusCode).toBe(409);
    expect(act.json().error.code).toBe("RESOURCE-LOCKED");
  });

  it("turns a loader failure into failed with a reason a person understands", async () => {
    await setup();
    t.loader.inject({ instance: "os2", at: "kernel-booting", kind: "fail" });
    await post("/api/instances/os2/start");
    await reach("os2", "failed");
    const v = t.app.tessera.instances.view("os2");
    expect(v.reason).toMatch(/\w+ \w+/);
    expect(v.locked).toBe(false);
    t.loader.clearFaults();
    expect((await post("/api/instances/os2/start")).statusCode).toBe(202);
    await reach("os2", "running");
  });

  it("a guest the loader reports failed (with its reason) is failed with those words", async () => {
    await setup();
    await post("/api/instances/os2/start");
    await reach("os2", "running");
    // What the direct loader reports when a successor's kernel has no usable timer.
    t.app.tessera.guests.guest({
      name: "os2",
      type: "crashed",
      reason: "its kernel disabled its local APIC timer at boot",
    });
    expect(state("os2")).toBe("failed");
    expect(t.app.tessera.instances.view("os2").reason).toBe(
      "os2 failed: its kernel disabled its local APIC timer at boot",
    );
    expect(t.app.tessera.instances.view("os2").locked).toBe(false);
  });

  it("force-stops a start that hangs", async () => {
    await setup();
    t.loader.inject({ instance: "os2", at: "kernel-booting", kind: "hang" });
    await post("/api/instances/os2/start");
    await reach("os2", "booting");
    const fs = await post("/api/instances/os2/force-stop");
    expect(fs.statusCode).toBe(202);
    await reach("os2", "stopped");
  });

  it("marks a silent guest unresponsive, then force-stop acts", async () => {
    await setup({ heartbeatTimeoutMs: 300 });
    await post("/api/instances/os2/start");
    await reach("os2", "running");
    t.guestAlive.value = false;
    await reach("os2", "unresponsive", 3000);
    expect(t.app.tessera.instances.view("os2").reason).toMatch(/No heartbeat from os2/);
    await post("/api/instances/os2/force-stop");
    await reach("os2", "stopped");
  });

  it("starts all successors in profile order", async () => {
    await setup();
    const res = await post("/api/instances/start-all");
    expect(res.statusCode).toBe(202);
    await reach("os3", "running", 8000);
    expect(state("os2")).toBe("running");
    const starts = (
      await t.app.inject({ url: "/api/audit?action=instance.start", headers: op.headers })
    ).json().entries as { instance: string }[];
    expect(starts.map((e) => e.instance).reverse()).toEqual(["os2", "os3"]);
  });

  it("accepts guest reports only with the instance's boot token", async () => {
    await setup();
    await post("/api/instances/os2/start");
    await reach("os2", "running");
    const token = (
      t.app.tessera.db.prepare("SELECT token FROM instances WHERE name = 'os2'").get() as {
        token: string;
      }
    ).token;
    const bad = await t.app.inject({
      method: "POST",
      url: "/api/guest/report",
      headers: { authorization: "Bearer nope" },
      payload: { name: "os2", event: "heartbeat" },
    });
    expect(bad.statusCode).toBe(401);
    const good = await t.app.inject({
      method: "POST",
      url: "/api/guest/report",
      headers: { authorization: `Bearer ${token}` },
      payload: { name: "os2", event: "heartbeat" },
    });
    expect(good.json()).toEqual({ stop: false });
    // the token travels on the instance's command line
    const plan = JSON.parse(
      (
        t.app.tessera.db.prepare("SELECT plan FROM instances WHERE name = 'os2'").get() as {
          plan: string;
        }
      ).plan,
    );
    expect(plan.cmdline).toContain(`tessera.token=${token}`);
  });

  it("waits for the guest after a real loader's start ends at the IPI, and marks a silent boot unresponsive", async () => {
    t = await testApp(testEnv({ heartbeatTimeoutMs: 100 }), undefined, endsAtIpi);
    t.guestAlive.value = false;
    await addUser(t.app, "olga", "operator");
    op = await login(t.app, "olga");
    const rec = await t.app.inject({
      method: "POST",
      url: "/api/profiles",
      headers: op.headers,
      payload: { profile: t.env.profile },
    });
    await post(`/api/profiles/${rec.json().id}/activate`);
    await post("/api/instances/os2/start");
    await reach("os2", "booting");
    await reach("os2", "unresponsive", 3000);
    expect(t.app.tessera.instances.view("os2").reason).toMatch(/has not reported boot completion/);
    // A late boot report brings it back.
    const token = (
      t.app.tessera.db.prepare("SELECT token FROM instances WHERE name = 'os2'").get() as {
        token: string;
      }
    ).token;
    const r = await t.app.inject({
      method: "POST",
      url: "/api/guest/report",
      headers: { authorization: `Bearer ${token}` },
      payload: { name: "os2", event: "boot-complete" },
    });
    expect(r.json()).toEqual({ stop: false });
    expect(state("os2")).toBe("running");
  });
});
