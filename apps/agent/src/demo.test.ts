// `npm start`'s demo: a fresh data dir, this host discovered as `npm start` does it, the
// dry-run loader and --demo. The real server on loopback, driven over HTTP the way the
// console drives it, starts os2 (the stand-in kernel) to "running"; the stand-in is
// described as such in the settings, the profile and the loader's log.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseMachine, validate } from "@tessera/core";
import { inspectKernelFile, STAND_IN_KERNEL_LABEL } from "@tessera/kexec";
import { EXAMPLE_MACHINE, until } from "../test/integration/helpers";
import { ConfigError, loadConfig } from "./config";
import { demoLayout, DEMO_PROFILE_NAME, standInKernelPath } from "./demo";
import { startServer, type Started } from "./server";

const dirs: string[] = [];
let started: Started | undefined;
afterEach(async () => {
  await started?.app.close();
  started = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** `npm start`'s flags (`tessera serve --demo`), on a free port and a fresh data dir. */
async function npmStartConfig(dataDir: string) {
  return loadConfig({
    flags: { demo: "true", port: "0", "data-dir": dataDir, "log-level": "error" },
    env: {},
  });
}

class Http {
  cookie = "";
  csrf = "";
  constructor(readonly base: string) {}
  async call(method: string, path: string, body?: unknown) {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== "GET") headers["x-csrf-token"] = this.csrf;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
  }
  async signIn(username: string, password: string) {
    const r = await this.call("POST", "/api/session", { username, password });
    expect(r.status).toBe(200);
    this.cookie = (r.headers.get("set-cookie") ?? "").split(";")[0]!;
    this.csrf = r.json.csrfToken;
  }
}

describe("npm start's demo (tessera serve --demo)", () => {
  it("a fresh data dir on this host starts os2 with the stand-in kernel to running", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tessera-demo-"));
    dirs.push(dataDir);
    const cfg = await npmStartConfig(dataDir);
    expect(cfg).toMatchObject({ loader: "dry-run", machineFile: null, discoveryRoot: "/" });
    const out: string[] = [];
    started = await startServer(cfg, { out: (s) => out.push(s), err: () => undefined, env: {} });
    const printed = out.join("\n");
    const password = /One-time password: (\S+)/.exec(printed)?.[1];
    expect(password).toBeTruthy();
    const kernel = standInKernelPath(cfg);
    expect(printed).toContain(`${kernel} is Tessera's stand-in kernel`);
    expect(printed).toContain(`seeded and activated the profile "${DEMO_PROFILE_NAME}"`);

    // The file is the labelled stand-in, inside the agent's data dir.
    const ins = await inspectKernelFile(kernel);
    expect(ins.ok && ins.inspection.header?.version).toMatch(/^tessera-stand-in \(not a kernel\)/);

    const http = new Http(started.url);
    await http.signIn("admin", password!);
    // the printed password is one-time: the admin chooses their own before anything else
    const changed = await http.call("POST", "/api/session/password", {
      currentPassword: password,
      newPassword: "demo-admin-chosen-pw",
    });
    expect(changed.status).toBe(200);
    const settings = await http.call("GET", "/api/settings");
    expect(settings.json).toMatchObject({
      dryRun: true,
      standInKernel: { path: kernel, label: STAND_IN_KERNEL_LABEL },
    });
    const profiles = await http.call("GET", "/api/profiles");
    const list = (profiles.json.profiles ?? profiles.json) as { name: string; active: boolean }[];
    expect(list).toEqual([expect.objectContaining({ name: DEMO_PROFILE_NAME, active: true })]);

    const start = await http.call("POST", "/api/instances/os2/start", {});
    expect(start.status).toBe(202);
    const running = await until(
      async () => {
        const r = await http.call("GET", "/api/instances");
        const os2 = (r.json.instances as { name: string; state: string }[]).find(
          (i) => i.name === "os2",
        );
        if (os2?.state === "failed") throw new Error(`os2 failed: ${JSON.stringify(os2)}`);
        return os2?.state === "running" ? os2 : undefined;
      },
      20_000,
      "os2 running",
    );
    expect(running.state).toBe("running");
    const log = await http.call("GET", "/api/instances/os2/log");
    const lines = (log.json.lines as { line: string }[]).map((l) => l.line).join("\n");
    expect(lines).toContain(`${kernel} is Tessera's stand-in kernel (${STAND_IN_KERNEL_LABEL})`);
  }, 60_000);

  it("a second start keeps the data dir's profiles: nothing is seeded twice", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "tessera-demo-"));
    dirs.push(dataDir);
    const cfg = await npmStartConfig(dataDir);
    const io = {
      out: () => undefined,
      err: () => undefined,
      env: { TESSERA_ADMIN_PASSWORD: "demo-admin-pw" },
    };
    started = await startServer(cfg, io);
    await started.app.close();
    const out: string[] = [];
    started = await startServer(cfg, { ...io, out: (s) => out.push(s) });
    expect(out.join("\n")).not.toContain("seeded");
    expect(started.app.tessera.profiles.list()).toHaveLength(1);
  });

  it("--demo with a real loader is refused before anything starts", async () => {
    await expect(
      loadConfig({ flags: { demo: "true", loader: "direct" }, env: {} }),
    ).rejects.toThrow(ConfigError);
    await expect(loadConfig({ flags: { demo: "true", loader: "mint" }, env: {} })).rejects.toThrow(
      /--demo needs the dry-run loader, not mint/,
    );
    await expect(loadConfig({ env: { TESSERA_DEMO: "maybe" } })).rejects.toThrow(
      /TESSERA_DEMO: expected true or false/,
    );
  });

  it("lays out the example machine with no error, and says why a one-core machine cannot", () => {
    const m = parseMachine(JSON.parse(readFileSync(EXAMPLE_MACHINE, "utf8")));
    if (!m.ok) throw new Error("examples/machine.json does not parse");
    const r = demoLayout(m.value, "/data/kernels/stand-in");
    if (!r.ok) throw new Error(r.reason);
    expect(validate(m.value, r.profile).filter((d) => d.severity === "error")).toEqual([]);
    const [os1, os2] = r.profile.instances;
    expect(os2!.kernel).toBe("/data/kernels/stand-in");
    expect(os1!.cpus.some((c) => os2!.cpus.includes(c))).toBe(false);
    const one = { ...m.value, cpus: m.value.cpus.slice(0, 1) };
    expect(demoLayout(one, "/k")).toEqual({
      ok: false,
      reason: "this machine has 1 core(s): OS1 needs one and os2 another",
    });
  });
});
