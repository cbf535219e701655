import { afterEach, describe, expect, it } from "vitest";
import { parseProfile } from "@tessera/core";
import {
  addUser,
  exampleMachine,
  login,
  OS1_VERSION,
  testApp,
  type TestApp,
  writeOs1Tree,
} from "../../../../test/integration/helpers";
import { MachineService } from "../../../services/machine-service";

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

  it("compares OS1's running /proc/cmdline with the active profile's plan", async () => {
    t = await testApp();
    await addUser(t.app, "vera", "viewer");
    const v = await login(t.app, "vera");
    const none = await t.app.inject({ url: "/api/os1", headers: v.headers });
    expect(none.json()).toMatchObject({ matches: null, message: "No profile is active." });
    const parsed = parseProfile(t.env.profile);
    if (!parsed.ok) throw new Error("profile");
    const rec = t.app.tessera.profiles.create(parsed.value, "test");
    t.app.tessera.profiles.setActive(rec.id);
    // OS1 as the agent reads it under its GRUB root: booted without the Tessera entry.
    writeOs1Tree(t.env.config.grubRoot, {
      cmdline: `BOOT_IMAGE=/boot/vmlinuz-${OS1_VERSION} root=/dev/sda2 ro maxcpus=8`,
    });
    const res = await t.app.inject({ url: "/api/os1", headers: v.headers });
    const body = res.json();
    expect(body.cmdline).toBe(
      `BOOT_IMAGE=/boot/vmlinuz-${OS1_VERSION} root=/dev/sda2 ro maxcpus=8`,
    );
    expect(body.expected).toContain("maxcpus=4");
    // This OS1 did not boot the Tessera entry: the agent says so in words.
    expect(body.matches).toBe(false);
    expect(body.differences[0]).toMatchObject({
      option: "maxcpus",
      running: ["8"],
      planned: ["4"],
    });
    expect(body.message).toMatch(
      /^OS1 runs with maxcpus=8, the profile gives it 4 cores: install OS1's Tessera boot entry and reboot OS1 into it\./,
    );
  });
});
