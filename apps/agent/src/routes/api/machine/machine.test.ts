import { afterEach, describe, expect, it } from "vitest";
import {
  addUser,
  exampleMachine,
  login,
  testApp,
  type TestApp,
} from "../../../../test/integration/helpers";
import { MachineService } from "../../../plugins/machine";

let t: TestApp;
afterEach(async () => {
  await t.app.close();
  t.env.cleanup();
});

describe("machine", () => {
  it("returns the machine in codec form with its fingerprint, and warns after a hardware change", async () => {
    t = await testApp();
    await addUser(t.app, "olga", "operator");
    const op = await login(t.app, "olga");
    const res = await t.app.inject({ url: "/api/machine", headers: op.headers });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      source: "file",
      activeProfileMismatch: false,
      fingerprint: t.app.tessera.machine.fingerprint,
    });
    expect(body.machine.schema).toBe("tessera/machine@1");
    expect(body.machine.memoryMap[0].start).toMatch(/^0x/);

    // Save and activate a profile: it records this machine's fingerprint.
    const rec = await t.app.inject({
      method: "POST",
      url: "/api/profiles",
      headers: op.headers,
      payload: { profile: t.env.profile },
    });
    expect(rec.json().profile.machineFingerprint).toBe(body.fingerprint);
    await t.app.inject({
      method: "POST",
      url: `/api/profiles/${rec.json().id}/activate`,
      headers: op.headers,
    });

    // The hardware changes (a core disappears) and a rescan sees it.
    const changed = exampleMachine();
    changed.cpus.pop();
    const svc = t.app.tessera.machine as MachineService & { loadFn: () => Promise<unknown> };
    Object.assign(svc, {
      loadFn: async () => ({ machine: changed, problems: [], source: "file" }),
    });
    const seen: string[] = [];
    t.app.tessera.hub.add({
      bufferedAmount: 0,
      close: () => undefined,
      send: (x) => seen.push(JSON.parse(x).type),
    });
    const rescan = await t.app.inject({
      method: "POST",
      url: "/api/machine/rescan",
      headers: op.headers,
    });
    expect(rescan.json().activeProfileMismatch).toBe(true);
    expect(rescan.json().fingerprint).not.toBe(body.fingerprint);
    expect(seen).toContain("machine");
    const again = await t.app.inject({ url: "/api/machine", headers: op.headers });
    expect(again.json().activeProfileMismatch).toBe(true);
    const prof = await t.app.inject({ url: `/api/profiles/${rec.json().id}`, headers: op.headers });
    expect(prof.json().fingerprintMismatch).toBe(true);
  });
});
