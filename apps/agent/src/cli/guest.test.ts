// `tessera guest` against a real agent on loopback: it reports boot completion with the
// token from its command line, heartbeats, and exits 10 when the agent asks it to stop.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { addUser, login, testApp, until, type TestApp } from "../../test/integration/helpers";
import { memoryIo } from "./io";
import { fromCmdline, run, STOP_EXIT } from "./guest";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  t?.env.cleanup();
  t = undefined;
});

describe("tessera guest", () => {
  it("reads its identity from the kernel command line", () => {
    expect(
      fromCmdline("quiet tessera.name=os2 tessera.token=abc tessera.controller=http://127.0.0.1:1"),
    ).toEqual({
      name: "os2",
      token: "abc",
      controller: "http://127.0.0.1:1",
    });
  });

  it("reports to the agent with its boot token and stops when asked", async () => {
    const app = await testApp();
    t = app;
    app.guestAlive.value = false; // the real guest below speaks for os2, not the simulation
    await addUser(app.app, "olga", "operator");
    const url = await app.app.listen({ host: "127.0.0.1", port: 0 });
    app.app.tessera.config.controllerUrl = url;
    const op = await login(app.app, "olga");
    const rec = await app.app.inject({
      method: "POST",
      url: "/api/profiles",
      headers: op.headers,
      payload: { profile: app.env.profile },
    });
    await app.app.inject({
      method: "POST",
      url: `/api/profiles/${rec.json().id}/activate`,
      headers: op.headers,
    });
    await app.app.inject({ method: "POST", url: "/api/instances/os2/start", headers: op.headers });
    await until(() =>
      app.app.tessera.instances.view("os2").state === "running" ? true : undefined,
    );
    const plan = JSON.parse(
      (
        app.app.tessera.db.prepare("SELECT plan FROM instances WHERE name = 'os2'").get() as {
          plan: string;
        }
      ).plan,
    );
    const cmdline = join(app.env.dir, "cmdline");
    writeFileSync(cmdline, plan.cmdline);
    expect(plan.cmdline).toContain(`tessera.controller=${url}`);

    const wrong = memoryIo();
    expect(await run(["--cmdline", cmdline, "--token", "forged", "--once"], wrong)).toBe(1);

    const once = memoryIo();
    expect(await run(["--cmdline", cmdline, "--once"], once)).toBe(0);
    expect(once.stdout.join("")).toMatch(/reported boot of os2/);
    expect(app.app.tessera.instances.view("os2").lastHeartbeat).not.toBeNull();

    const io = memoryIo();
    const guest = run(["--cmdline", cmdline, "--interval", "20"], io);
    await app.app.inject({ method: "POST", url: "/api/instances/os2/stop", headers: op.headers });
    expect(await guest).toBe(STOP_EXIT);
    expect(io.stdout.join("")).toMatch(/asks os2 to stop/);
  });
});
