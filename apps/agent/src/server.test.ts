// startServer as `tessera serve` runs it: the machine file, the dry-run loader, the first
// admin, TLS from a cert and key file (made here with openssl; tests may spawn).
// eslint-disable-next-line no-restricted-imports -- openssl makes the throwaway TLS certificate
import { execFileSync } from "node:child_process";
import { request } from "node:https";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseProfile } from "@tessera/core";
import { EXAMPLE_MACHINE, testEnv, until, type TestEnv } from "../test/integration/helpers";
import { bindWarning, startServer, type Started } from "./server";

let env: TestEnv | undefined;
let started: Started | undefined;
afterEach(async () => {
  await started?.app.close();
  env?.cleanup();
  started = undefined;
});

function httpsJson(
  url: string,
  ca: Buffer,
  body: unknown,
): Promise<{ status: number; cookie: string; json: unknown }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(
      url,
      {
        method: "POST",
        ca,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data) },
      },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () =>
          resolve({
            status: res.statusCode!,
            cookie: String(res.headers["set-cookie"] ?? ""),
            json: JSON.parse(text),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

describe("startServer", () => {
  it("creates the first admin from TESSERA_ADMIN_PASSWORD, serves HTTPS and sets Secure cookies", async () => {
    env = testEnv();
    const cert = join(env.dir, "cert.pem");
    const key = join(env.dir, "key.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
      ],
      { stdio: "ignore" },
    );
    const out: string[] = [];
    const err: string[] = [];
    started = await startServer(
      {
        ...env.config,
        port: 0,
        machineFile: EXAMPLE_MACHINE,
        tlsCert: cert,
        tlsKey: key,
        logLevel: "error",
      },
      {
        out: (s) => out.push(s),
        err: (s) => err.push(s),
        env: { TESSERA_ADMIN_PASSWORD: "from-the-environment" },
      },
    );
    expect(started.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(out.join("\n")).toContain(
      "Created user admin with the password from TESSERA_ADMIN_PASSWORD.",
    );
    expect(err).toEqual([]);
    const res = await httpsJson(`${started.url}/api/session`, readFileSync(cert), {
      username: "admin",
      password: "from-the-environment",
    });
    expect(res.status).toBe(200);
    expect(res.cookie).toMatch(/Secure/);
    expect(res.cookie).toMatch(/HttpOnly/);
  });

  it("prints a one-time password when none is given, and injects configured dry-run faults", async () => {
    env = testEnv();
    const out: string[] = [];
    started = await startServer(
      {
        ...env.config,
        port: 0,
        logLevel: "error",
        dryRunFaults: [{ instance: "os2", at: "kernel-booting", kind: "fail" }],
      },
      { out: (s) => out.push(s), err: () => undefined, env: {} },
    );
    expect(out.join("\n")).toMatch(/One-time password: \S{20}/);
    expect(started.loader.kind).toBe("dry-run");
    const parsed = parseProfile(env.profile);
    if (!parsed.ok) throw new Error("profile");
    const t = started.app.tessera;
    const rec = t.profileService.create(parsed.value, "test");
    // Activation also makes the simulated OS1 run with OS1's cores only.
    t.profileService.activate(rec.id, "test");
    await t.starts.start("os2", "test");
    await until(
      () => (t.instances.view("os2").state === "failed" ? true : undefined),
      5000,
      "os2 failed",
    );
  });

  it("warns about a non-loopback address without TLS", () => {
    expect(bindWarning({ host: "0.0.0.0", tlsCert: null })).toMatch(/without TLS/);
    expect(bindWarning({ host: "0.0.0.0", tlsCert: "c.pem" })).toBeNull();
    expect(bindWarning({ host: "127.0.0.1", tlsCert: null })).toBeNull();
    expect(bindWarning({ host: "::1", tlsCert: null })).toBeNull();
  });
});
