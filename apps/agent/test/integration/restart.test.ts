// Restart recovery: the real CLI (`node bin/tessera.mjs serve`) as a child process with a temp
// data directory and the dry-run loader slowed down, killed with SIGKILL in the middle of a
// start, then started again on the same data: the state is reconciled, nothing forgotten,
// nothing started twice.
// Tests may spawn processes (only packages/kexec may in product code): this one must run
// the agent as a real process to kill it.
// eslint-disable-next-line no-restricted-imports -- kills the real agent process mid-start
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EXAMPLE_MACHINE, REPO, testEnv, until, type TestEnv } from "./helpers";

const BIN = join(REPO, "apps/agent/bin/tessera.mjs");
const PASSWORD = "restart-test-password";

interface Agent {
  child: ChildProcess;
  url: string;
  output: string[];
}

function startAgent(
  env: TestEnv,
  delays: Record<string, number> = { "loading-image": 50, "kernel-booting": 60_000 },
): Promise<Agent> {
  const child = spawn(
    process.execPath,
    [
      BIN,
      "serve",
      "--data-dir",
      env.config.dataDir,
      "--machine",
      EXAMPLE_MACHINE,
      "--port",
      "0",
      "--web-root",
      join(env.dir, "no-web"),
      "--dry-run-online-cpus",
      "0,1,2,3",
      "--dry-run-delays",
      JSON.stringify(delays),
      "--heartbeat-timeout",
      "0",
      "--log-level",
      "warn",
    ],
    {
      env: { ...process.env, TESSERA_ADMIN_PASSWORD: PASSWORD },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`agent did not start:\n${output.join("")}`)),
      30_000,
    );
    const onData = (d: Buffer) => {
      output.push(String(d));
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.join(""));
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, output });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`agent exited ${code}:\n${output.join("")}`)));
  });
}

async function session(url: string) {
  const res = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: {
        cookie,
        "x-csrf-token": csrfToken,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- loose JSON in a test
    return { status: r.status, body: (await r.json().catch(() => null)) as Record<string, any> };
  };
  return call;
}

let env: TestEnv | undefined;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  children.length = 0;
  env?.cleanup();
});

describe("restart recovery", () => {
  it("reconciles an instance killed mid-start with the loader and never starts it twice", async () => {
    env = testEnv();
    const a = await startAgent(env);
    children.push(a.child);
    const call = await session(a.url);
    const rec = await call("POST", "/api/profiles", { profile: env.profile });
    expect(rec.status).toBe(201);
    expect((await call("POST", `/api/profiles/${rec.body.id}/activate`)).status).toBe(200);
    expect((await call("POST", "/api/instances/os2/start")).status).toBe(202);
    // The start is now held in kernel-booting for a minute: kill the agent right there.
    await until(
      async () => {
        const l = await call("GET", "/api/instances");
        return l.body.instances.find((i: { name: string; state: string }) => i.name === "os2")
          .state === "booting"
          ? true
          : undefined;
      },
      10_000,
      "os2 booting",
    );
    a.child.kill("SIGKILL");
    await new Promise((r) => a.child.once("exit", r));

    const b = await startAgent(env);
    children.push(b.child);
    expect(b.output.join("")).not.toMatch(/One-time password/); // the admin survived
    const call2 = await session(b.url);
    const list = await call2("GET", "/api/instances");
    expect(list.body.profileId).toBe(rec.body.id);
    const os2 = list.body.instances.find((i: { name: string }) => i.name === "os2");
    // The simulated machine kept booting os2 while the agent was away; the loader says it runs.
    expect(os2.state).toBe("running");
    expect(os2.reason).toMatch(/after the agent restarted/);
    expect(os2.locked).toBe(true);
    const again = await call2("POST", "/api/instances/os2/start");
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("INSTANCE-STATE");
    // Its resources stay locked across the restart.
    const cur = await call2("GET", `/api/profiles/${rec.body.id}`);
    const changed = structuredClone(cur.body.profile);
    changed.instances[1].cpus = [4, 5];
    const put = await call2("PUT", `/api/profiles/${rec.body.id}`, {
      baseVersion: cur.body.version,
      profile: changed,
    });
    expect(put.status).toBe(409);
    expect(put.body.error.code).toBe("RESOURCE-LOCKED");
    // The audit log kept the start from before the crash.
    const audit = await call2("GET", "/api/audit?instance=os2&action=instance.start");
    expect(audit.body.entries.map((e: { result: string }) => e.result)).toEqual([
      "refused",
      "accepted",
    ]);
    b.child.kill("SIGTERM");
  }, 60_000);

  it("after a kill -9 during the image load, says the start was interrupted and allows a clean retry", async () => {
    env = testEnv();
    const slowLoad = { "loading-image": 60_000 };
    const a = await startAgent(env, slowLoad);
    children.push(a.child);
    const call = await session(a.url);
    const rec = await call("POST", "/api/profiles", { profile: env.profile });
    await call("POST", `/api/profiles/${rec.body.id}/activate`);
    expect((await call("POST", "/api/instances/os2/start")).status).toBe(202);
    await until(
      async () =>
        (await call("GET", "/api/instances")).body.instances[1].phase === "loading-image"
          ? true
          : undefined,
      10_000,
      "os2 loading",
    );
    a.child.kill("SIGKILL");
    await new Promise((r) => a.child.once("exit", r));

    const b = await startAgent(env, { "loading-image": 10, "kernel-booting": 10 });
    children.push(b.child);
    const call2 = await session(b.url);
    const os2 = (await call2("GET", "/api/instances")).body.instances[1];
    expect(os2.name).toBe("os2");
    // Never left "loading": the agent says what it knows, in words.
    expect(["failed", "loaded", "unknown"]).toContain(os2.state);
    expect(os2.reason).toMatch(/restart/);
    if (os2.state === "unknown") {
      expect((await call2("POST", "/api/instances/os2/start")).status).toBe(409);
      expect((await call2("POST", "/api/instances/os2/force-stop")).status).toBe(202);
      await until(
        async () =>
          (await call2("GET", "/api/instances")).body.instances[1].state === "stopped"
            ? true
            : undefined,
        10_000,
        "stopped",
      );
    }
    expect((await call2("POST", "/api/instances/os2/start")).status).toBe(202);
    await until(
      async () =>
        (await call2("GET", "/api/instances")).body.instances[1].state === "running"
          ? true
          : undefined,
      10_000,
      "running",
    );
    b.child.kill("SIGTERM");
  }, 60_000);
});
