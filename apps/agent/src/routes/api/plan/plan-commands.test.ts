// POST /api/plan gives the console the commands of the agent's own loader (each loader
// describes its own: Loader.describeCommands), and the same commands in the sh script.
import { afterEach, describe, expect, it } from "vitest";
import { shLine } from "@tessera/core";
import { createMintLoader, createMultikernelLoader } from "@tessera/kexec";
import { addUser, login, testApp, type TestApp } from "../../../../test/integration/helpers";

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
  it("under the dry-run loader: the mint commands it simulates, marked so, and in the script", async () => {
    t = await testApp();
    const body = await planAs(t, t.env.profile, "sh");
    expect(body).toMatchObject({ loader: "dry-run", mode: "simulated" });
    expect(body.commands.map((c: { name: string }) => c.name)).toEqual(["os2", "os3"]);
    const os2 = body.commands[0];
    expect(os2.load).toHaveLength(1);
    expect(os2.load[0].slice(0, 3)).toEqual(["/usr/local/sbin/mint-kexec", "-l", t.env.kernel]);
    expect(os2.load[0]).toContain("--mem-min=0x100000000");
    expect(os2.start).toEqual([["/usr/local/sbin/mint-kexec", "-e", "--apic-id=4"]]);
    for (const c of body.commands)
      for (const argv of [...c.load, ...c.start]) expect(body.script).toContain(shLine(argv));
    expect(body.script).toContain("boots nothing");
  });

  it("under the mint loader: its own site settings, commands that run", async () => {
    // The real mint loader with a site's option names; describing runs nothing.
    t = await testApp(undefined, undefined, () =>
      createMintLoader({ binary: "/opt/site/kexec-mint", apicIdOption: "--cpu" }),
    );
    const body = await planAs(t, t.env.profile, "sh");
    expect(body).toMatchObject({ loader: "mint", mode: "run" });
    expect(body.commands[1].start).toEqual([["/opt/site/kexec-mint", "-e", "--cpu=16"]]);
    expect(body.script).toContain(shLine(body.commands[1].start[0]));
    expect(body.script).toContain("(mint loader)");
  });

  it("under the multikernel loader: kerf create, load and exec, with the kernel's id to come", async () => {
    t = await testApp(undefined, undefined, () => createMultikernelLoader({ binary: "/opt/kerf" }));
    const body = await planAs(t, t.env.profile, "sh");
    expect(body).toMatchObject({ loader: "multikernel", mode: "template", script: null });
    const os2 = body.commands[0];
    expect(os2.load.map((argv: string[]) => argv.slice(0, 2))).toEqual([
      ["/opt/kerf", "create"],
      ["/opt/kerf", "load"],
    ]);
    expect(os2.load[1]).toEqual(expect.arrayContaining(["--kernel", t.env.kernel, "--id", "<id>"]));
    expect(os2.start).toEqual([["/opt/kerf", "exec", "--id", "<id>"]]);
    expect(body.scriptProblem).toContain("<placeholders>");
    expect(JSON.stringify(body.commands)).not.toContain("mint-kexec");
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
