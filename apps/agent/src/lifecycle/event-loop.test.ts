// A viewer cannot stall the agent with big profiles: sizes are bounded by the machine (a
// 150,000-core profile is a 400 before anything reads it), and validation of what is left
// runs on a worker thread, so the event loop keeps answering other users meanwhile.
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseProfile, validate } from "@tessera/core";
import {
  addUser,
  exampleMachine,
  login,
  testApp,
  type Login,
  type TestApp,
} from "../../test/integration/helpers";
import { MAX_DIAGNOSTICS } from "./layout-jobs";
import { profileLimits } from "./profile-limits";
import { LayoutPool } from "./layout-pool";
import type { AgentError } from "../errors";

let t: TestApp;
let viewer: Login;

beforeAll(async () => {
  t = await testApp();
  await addUser(t.app, "vera", "viewer");
  viewer = await login(t.app, "vera");
});
afterAll(async () => {
  await t.app.close();
  t.env.cleanup();
});

const machine = exampleMachine();
const limits = profileLimits(machine);

/** The largest profile the limits let through, and the most work for the validator. */
function worstCase(): Record<string, unknown> {
  const cpus = machine.cpus.map((c) => c.apicId);
  const devices = machine.devices.slice(0, limits.devicesPerInstance).map((d) => d.id);
  const ranges = Array.from({ length: limits.rangesPerInstance }, (_, k) => ({
    start: `0x${(0x100000000 + k * 0x200000).toString(16)}`,
    size: "0x40000000",
  }));
  return {
    schema: "tessera/profile@1",
    name: "worst",
    instances: Array.from({ length: limits.instances }, (_, i) => ({
      name: `os${i + 1}`,
      cpus,
      memory: i === 0 ? [{ start: "0x0", size: "4G" }] : ranges,
      devices,
    })),
  };
}

const post = (url: string, profile: unknown, who = viewer) =>
  t.app.inject({ method: "POST", url, headers: who.headers, payload: { profile } });

describe("profile size limits", () => {
  it("refuses 150,000 cores in one instance with 400 and the path, before validating", async () => {
    const big = structuredClone(t.env.profile) as { instances: { cpus: number[] }[] };
    big.instances[1]!.cpus = Array.from({ length: 150_000 }, (_, i) => i % 16);
    const started = performance.now();
    const res = await post("/api/validate", big);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: "BODY-INVALID",
      path: "profile.instances[1].cpus",
    });
    expect(res.json().error.message).toContain(`at most ${machine.cpus.length}`);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("bounds instances, ranges and devices by the machine, on every route taking a profile", async () => {
    const p = structuredClone(t.env.profile) as { instances: Record<string, unknown>[] };
    const many = {
      ...p,
      instances: Array.from({ length: limits.instances + 1 }, () => p.instances[1]),
    };
    const ranges = structuredClone(p);
    ranges.instances[1]!.memory = Array.from({ length: limits.rangesPerInstance + 1 }, () => ({
      start: "0x100000000",
      size: "4096",
    }));
    const devices = structuredClone(p);
    devices.instances[2]!.devices = Array.from(
      { length: limits.devicesPerInstance + 1 },
      () => "x",
    );
    const cases: [unknown, string][] = [
      [many, "profile.instances"],
      [ranges, "profile.instances[1].memory"],
      [devices, "profile.instances[2].devices"],
    ];
    for (const [profile, path] of cases) {
      for (const url of ["/api/validate", "/api/plan"]) {
        const res = await post(url, profile);
        expect(res.json().error, `${url} ${path}`).toMatchObject({ code: "BODY-INVALID", path });
      }
    }
    await addUser(t.app, "olga", "operator");
    const op = await login(t.app, "olga");
    expect((await post("/api/profiles", many, op)).json().error.path).toBe("profile.instances");
  });

  it("lets the largest allowed profile through, with the findings capped", async () => {
    const res = await post("/api/validate", worstCase());
    expect(res.statusCode).toBe(200);
    expect(res.json().ok).toBe(false);
    expect(res.json().diagnostics).toHaveLength(MAX_DIAGNOSTICS);
    expect(res.json().omitted).toBeGreaterThan(0);
  });
});

describe("the layout worker's queue", () => {
  it("answers what waits beyond its bound with 429 RATE-LIMITED, and the rest in full", async () => {
    const pool = new LayoutPool(2);
    const parsed = parseProfile(t.env.profile);
    if (!parsed.ok) throw new Error("example profile");
    const jobs = [1, 2, 3].map(() =>
      pool.validate(machine, parsed.value, {}).then(
        (a) => a.ok,
        (e: AgentError) => e.code,
      ),
    );
    expect(await Promise.all(jobs)).toEqual([true, true, "RATE-LIMITED"]);
    expect(pool.busy).toBe(0);
    await pool.close();
  });
});

describe("validation off the event loop", () => {
  it("keeps the event loop answering while the worst allowed profiles are validated", async () => {
    // How long one takes on this machine right now, on this thread.
    const parsed = parseProfile(worstCase());
    if (!parsed.ok) throw new Error("worst case must parse");
    const t0 = performance.now();
    validate(machine, parsed.value);
    const once = performance.now() - t0;
    expect(once).toBeGreaterThan(100); // else this test proves nothing

    // Four at once from the viewer; meanwhile, how late does a 10 ms timer fire?
    let worst = 0;
    let sampling = true;
    const sample = async () => {
      while (sampling) {
        const at = performance.now();
        await new Promise((r) => setTimeout(r, 10));
        worst = Math.max(worst, performance.now() - at - 10);
      }
    };
    const sampler = sample();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => post("/api/validate", worstCase())),
    );
    sampling = false;
    await sampler;
    for (const a of answers) expect(a.statusCode).toBe(200);
    // On the event loop, the timer would wait for at least one whole validation.
    expect(worst).toBeLessThan(once / 2);
  }, 60_000);
});
