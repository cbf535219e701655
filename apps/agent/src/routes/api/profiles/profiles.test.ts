import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  addUser,
  login,
  testApp,
  type Login,
  type TestApp,
} from "../../../../test/integration/helpers";

let t: TestApp;
let op: Login;

beforeEach(async () => {
  t = await testApp();
  await addUser(t.app, "olga", "operator");
  op = await login(t.app, "olga");
});
afterEach(async () => {
  await t.app.close();
  t.env.cleanup();
});

async function create(profile: unknown = t.env.profile) {
  const res = await t.app.inject({
    method: "POST",
    url: "/api/profiles",
    headers: op.headers,
    payload: { profile },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as {
    id: string;
    version: number;
    profile: { instances: { name: string; cpus: number[] }[] };
  };
}

describe("profiles", () => {
  it("creates, reads, lists and keeps every version", async () => {
    const rec = await create();
    expect(rec.version).toBe(1);
    const got = await t.app.inject({ url: `/api/profiles/${rec.id}`, headers: op.headers });
    expect(got.json()).toMatchObject({
      id: rec.id,
      name: "seed-three-way",
      version: 1,
      updatedBy: "olga",
      active: false,
    });
    // bigints travel as hex strings
    expect(got.json().profile.instances[1].memory[0]).toEqual({
      start: "0x100000000",
      size: "0x200000000",
    });
    const changed = structuredClone(rec.profile);
    changed.instances[2]!.cpus = [16, 17, 18, 19];
    const put = await t.app.inject({
      method: "PUT",
      url: `/api/profiles/${rec.id}`,
      headers: op.headers,
      payload: { baseVersion: 1, profile: changed },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().version).toBe(2);
    const versions = await t.app.inject({
      url: `/api/profiles/${rec.id}/versions`,
      headers: op.headers,
    });
    expect(versions.json().versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const v1 = await t.app.inject({
      url: `/api/profiles/${rec.id}/versions/1`,
      headers: op.headers,
    });
    expect(v1.json().profile.instances[2].cpus).toHaveLength(8);
    const diff = await t.app.inject({
      url: `/api/profiles/${rec.id}/diff?from=1&to=2`,
      headers: op.headers,
    });
    expect(diff.json().changes).toEqual([
      { kind: "cpus", instance: "os3", added: [], removed: [20, 21, 22, 23] },
    ]);
    expect(diff.json().paths).toEqual([
      {
        path: "instances[name=os3].cpus",
        kind: "changed",
        before: [16, 17, 18, 19, 20, 21, 22, 23],
        after: [16, 17, 18, 19],
      },
    ]);
    const list = await t.app.inject({ url: "/api/profiles", headers: op.headers });
    expect(list.json().profiles).toHaveLength(1);
  });

  it("refuses a stale update with 409 and the current version, never overwriting", async () => {
    const rec = await create();
    const a = structuredClone(rec.profile);
    a.instances[2]!.cpus = [16, 17];
    const b = structuredClone(rec.profile);
    b.instances[2]!.cpus = [16, 17, 18];
    const first = await t.app.inject({
      method: "PUT",
      url: `/api/profiles/${rec.id}`,
      headers: op.headers,
      payload: { baseVersion: 1, profile: a },
    });
    expect(first.statusCode).toBe(200);
    const second = await t.app.inject({
      method: "PUT",
      url: `/api/profiles/${rec.id}`,
      headers: op.headers,
      payload: { baseVersion: 1, profile: b },
    });
    expect(second.statusCode).toBe(409);
    const err = second.json().error;
    expect(err.code).toBe("PROFILE-STALE");
    expect(err.current.version).toBe(2);
    expect(err.current.profile.instances[2].cpus).toEqual([16, 17]);
    const now = await t.app.inject({ url: `/api/profiles/${rec.id}`, headers: op.headers });
    expect(now.json().profile.instances[2].cpus).toEqual([16, 17]);
  });

  it("answers 400 with the JSON path for a profile that does not parse", async () => {
    const bad = structuredClone(t.env.profile) as { instances: { memory: { size: string }[] }[] };
    bad.instances[1]!.memory[0]!.size = "12Q";
    const res = await t.app.inject({
      method: "POST",
      url: "/api/profiles",
      headers: op.headers,
      payload: { profile: bad },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: "BODY-INVALID",
      path: "profile.instances[1].memory[0].size",
    });
  });

  it("404s unknown ids, duplicates, exports and imports, deletes", async () => {
    const missing = await t.app.inject({ url: "/api/profiles/nope", headers: op.headers });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe("PROFILE-NOT-FOUND");
    const rec = await create();
    const dup = await t.app.inject({
      method: "POST",
      url: `/api/profiles/${rec.id}/duplicate`,
      headers: op.headers,
      payload: { name: "copy" },
    });
    expect(dup.statusCode).toBe(201);
    expect(dup.json()).toMatchObject({ name: "copy", version: 1 });
    const exp = await t.app.inject({ url: `/api/profiles/${rec.id}/export`, headers: op.headers });
    expect(exp.headers["content-disposition"]).toBe('attachment; filename="seed-three-way.json"');
    const imp = await t.app.inject({
      method: "POST",
      url: "/api/profiles/import",
      headers: op.headers,
      payload: exp.json(),
    });
    expect(imp.statusCode).toBe(201);
    expect(imp.json().profile).toEqual(exp.json());
    const del = await t.app.inject({
      method: "DELETE",
      url: `/api/profiles/${rec.id}`,
      headers: op.headers,
    });
    expect(del.statusCode).toBe(204);
    expect(
      (await t.app.inject({ url: `/api/profiles/${rec.id}`, headers: op.headers })).statusCode,
    ).toBe(404);
  });

  it("flags a profile saved for other hardware", async () => {
    const p = { ...t.env.profile, machineFingerprint: "0000000000000000" };
    const rec = await create(p);
    const got = await t.app.inject({ url: `/api/profiles/${rec.id}`, headers: op.headers });
    expect(got.json().fingerprintMismatch).toBe(true);
    const same = await create({
      ...t.env.profile,
      machineFingerprint: t.app.tessera.machine.fingerprint,
    });
    expect(
      (await t.app.inject({ url: `/api/profiles/${same.id}`, headers: op.headers })).json()
        .fingerprintMismatch,
    ).toBe(false);
  });
});
