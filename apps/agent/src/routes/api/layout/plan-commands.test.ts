// POST /api/plan gives the console the loader commands the agent itself would run, built by
// packages/kexec with this agent's loader settings, and the same commands in the sh script.
import { afterEach, describe, expect, it } from "vitest";
import { shLine } from "@tessera/kexec";
import {
  addUser,
  login,
  testApp,
  testEnv,
  type TestApp,
} from "../../../../test/integration/helpers";

let t: TestApp | null = null;
afterEach(async () => {
  await t?.app.close();
  t?.env.cleanup();
  t = null;
});

async function planAs(app: TestApp, profile: unknown, format?: string) {
  await addUser(app.app, "olga", "operator");
  const op = await login(app.app, "olga");
  const res = await app.app.inject({
    method: "POST",
    url: "/api/plan",
    headers: op.headers,
    payload: { profile, ...(format ? { format } : {}) },
  });
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe("POST /api/plan commands", () => {
  it("lists each successor's load and start argv, the same argv the script holds", async () => {
    t = await testApp();
    const body = await planAs(t, t.env.profile, "sh");
    expect(body.loader).toBe("dry-run");
    expect(body.commands.map((c: { name: string }) => c.name)).toEqual(["os2", "os3"]);
    const os2 = body.commands[0];
    expect(os2.load.slice(0, 3)).toEqual(["/usr/local/sbin/mint-kexec", "-l", t.env.kernel]);
    expect(os2.load).toContain("--mem-min=0x100000000");
    expect(os2.start).toEqual(["/usr/local/sbin/mint-kexec", "-e", "--apic-id=4"]);
    for (const c of body.commands) {
      expect(body.script).toContain(shLine(c.load));
      expect(body.script).toContain(shLine(c.start));
    }
  });

  it("uses the site's mint settings when the agent runs the mint loader", async () => {
    const env = testEnv({
      loader: "mint",
      loaderOptions: { binary: "/opt/site/kexec-mint", apicIdOption: "--cpu" },
    });
    t = await testApp(env);
    const body = await planAs(t, t.env.profile, "sh");
    expect(body.commands[1].start).toEqual(["/opt/site/kexec-mint", "-e", "--cpu=16"]);
    expect(body.script).toContain(shLine(body.commands[1].start));
  });

  it("says which instance lacks a kernel instead of writing a script without one", async () => {
    t = await testApp();
    const profile = structuredClone(t.env.profile) as { instances: { kernel?: string }[] };
    delete profile.instances[2]!.kernel;
    const body = await planAs(t, profile, "sh");
    expect(body.script).toBeNull();
    expect(body.scriptProblem).toBe(
      "instance os3 has no kernel: set instances[].kernel in the profile",
    );
    expect(body.commands[1]).toMatchObject({ name: "os3", load: null });
    expect(body.commands[0].load).not.toBeNull();
  });
});
