// OS1's boot entry end to end on a real server on loopback: a temp tree stands in for OS1's /
// (/proc/cmdline, /boot, /etc/grub.d, /boot/grub), GRUB's real tools run through
// packages/kexec's runner (grub-script-check, grub-reboot), and a named test double
// stands in for a failing grub-reboot.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCommand } from "@tessera/kexec";
import type { FastifyInstance } from "fastify";
import type { CommandRunner } from "../../../grub/service";
import {
  addUser,
  OS1_VERSION,
  PASSWORD,
  testEnv,
  type TestEnv,
  writeOs1Tree,
  grubApp,
} from "../../../../test/integration/helpers";

let app: FastifyInstance | undefined;
let env: TestEnv | undefined;
afterEach(async () => {
  await app?.close();
  env?.cleanup();
});

async function serve(runner: CommandRunner): Promise<string> {
  env = testEnv();
  app = await grubApp(env, runner);
  await addUser(app, "ada", "admin");
  await addUser(app, "olga", "operator");
  await addUser(app, "vic", "viewer");
  return app.listen({ host: "127.0.0.1", port: 0 });
}

type Client = (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; json: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads loose JSON

async function signIn(url: string, name: string, csrf = true): Promise<Client> {
  const res = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: name, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${name}: ${res.status}`);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const token = ((await res.json()) as { csrfToken: string }).csrfToken;
  return async (method, path, body) => {
    const headers: Record<string, string> = { cookie };
    if (csrf) headers["x-csrf-token"] = token;
    if (body !== undefined) headers["content-type"] = "application/json";
    const r = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, json: await r.json() };
  };
}

async function activate(admin: Client, profile: unknown): Promise<string> {
  const rec = await admin("POST", "/api/profiles", { profile });
  expect(rec.status).toBe(201);
  expect((await admin("POST", `/api/profiles/${rec.json.id}/activate`)).status).toBe(200);
  return rec.json.id as string;
}

const ID = "tessera-seed-three-way";

describe("OS1's boot entry", () => {
  it(
    "is made from the running OS1's kernel, initrd and root, installed, and booted once with grub-reboot",
    { timeout: 60_000 },
    async () => {
      const url = await serve(runCommand);
      const os1 = writeOs1Tree(env!.config.grubRoot);
      const ada = await signIn(url, "ada");
      const olga = await signIn(url, "olga");
      const vic = await signIn(url, "vic");

      // Every role reads what OS1 booted with.
      const boot = await vic("GET", "/api/os1/boot");
      expect(boot.status).toBe(200);
      expect(boot.json).toEqual({
        cmdline: `BOOT_IMAGE=${os1.kernel} root=${os1.root} ro quiet`,
        kernel: os1.kernel,
        initrd: os1.initrd,
        root: os1.root,
        problems: [],
      });

      const id = await activate(ada, env!.profile);
      // OS1 runs without the profile's options: stale, and the agent says what to do.
      const report = await vic("GET", "/api/os1");
      expect(report.json.matches).toBe(false);
      expect(report.json.message).toMatch(
        /^OS1 runs with no maxcpus, the profile gives it 4 cores: install OS1's Tessera boot entry and reboot OS1 into it\./,
      );
      expect(report.json.differences[0]).toEqual({
        option: "maxcpus",
        running: [],
        planned: ["4"],
      });

      const preview = await vic("GET", "/api/grub");
      expect(preview.status).toBe(200);
      expect(preview.json.id).toBe(ID);
      expect(preview.json.diff).toContain(
        `+\tlinux\t'${os1.kernel}' 'root=${os1.root}' 'maxcpus=4'`,
      );
      expect(preview.json.diff).toContain(`+\tinitrd\t'${os1.initrd}'`);
      expect(preview.json.content).not.toContain("placeholder");

      // Booting once needs the entry installed first.
      const early = await ada("POST", "/api/grub/boot-once", {});
      expect(early.status).toBe(409);
      expect(early.json.error.code).toBe("GRUB-NOT-INSTALLED");

      // Admin only, and only with the session's CSRF token.
      expect((await olga("POST", "/api/grub/install", { oneTime: false })).json.error.code).toBe(
        "FORBIDDEN",
      );
      const noCsrf = await signIn(url, "ada", false);
      expect((await noCsrf("POST", "/api/grub/install", { oneTime: false })).json.error.code).toBe(
        "CSRF-MISMATCH",
      );

      const install = await ada("POST", "/api/grub/install", { oneTime: false });
      expect(install.status).toBe(200);
      expect(install.json.commands.map((c: string[]) => c[0])).toEqual(["grub-script-check"]);
      // The real file the agent wrote is what the preview showed.
      const file = join(env!.config.grubRoot, "etc/grub.d/42_tessera");
      expect(install.json.file).toBe(file);
      expect(readFileSync(file, "utf8")).toBe(preview.json.content);
      expect((await vic("GET", "/api/grub")).json.diff).not.toMatch(/^\+[^+]/m);

      // grub-reboot, for real, on the tree's /boot: GRUB's next_entry in its grubenv.
      expect((await olga("POST", "/api/grub/boot-once", {})).status).toBe(403);
      const once = await ada("POST", "/api/grub/boot-once", {});
      expect(once.status).toBe(200);
      const bootDir = join(env!.config.grubRoot, "boot");
      expect(once.json).toEqual({
        id: ID,
        commands: [["grub-reboot", `--boot-directory=${bootDir}`, ID]],
      });
      expect(readFileSync(join(bootDir, "grub/grubenv"), "utf8")).toContain(`next_entry=${ID}`);
      const audit = await ada("GET", "/api/audit?action=grub.boot-once");
      expect(audit.json.entries[0]).toMatchObject({ user: "ada", target: ID, result: "ok" });

      // The slot's root wins over the running OS1's; the installed entry is then another one.
      const profile = structuredClone(env!.profile) as { instances: Record<string, unknown>[] };
      profile.instances[0]!.root = "/dev/sdb3";
      expect((await ada("PUT", `/api/profiles/${id}`, { baseVersion: 1, profile })).status).toBe(
        200,
      );
      expect((await vic("GET", "/api/grub")).json.diff).toContain(
        `+\tlinux\t'${os1.kernel}' 'root=/dev/sdb3'`,
      );
      const stale = await ada("POST", "/api/grub/boot-once", {});
      expect(stale.json.error).toMatchObject({
        code: "GRUB-NOT-INSTALLED",
        message: `${file} holds another entry than the active profile's: install it first.`,
      });
    },
  );

  it("refuses to write an entry without a known kernel, naming what is missing and where", async () => {
    const url = await serve(runCommand);
    writeOs1Tree(env!.config.grubRoot);
    // The kernel OS1 booted was removed (an upgrade): nothing to point GRUB at.
    rmSync(join(env!.config.grubRoot, `boot/vmlinuz-${OS1_VERSION}`));
    const ada = await signIn(url, "ada");
    await activate(ada, env!.profile);
    const boot = await ada("GET", "/api/os1/boot");
    expect(boot.json.kernel).toBeNull();
    expect(boot.json.problems[0].field).toBe("kernel");
    for (const [method, path, body] of [
      ["GET", "/api/grub", undefined],
      ["POST", "/api/grub/install", { oneTime: false }],
      ["POST", "/api/grub/boot-once", {}],
    ] as const) {
      const r = await ada(method, path, body);
      expect(r.status, path).toBe(409);
      expect(r.json.error.code).toBe("GRUB-ENTRY-UNKNOWN");
      expect(r.json.error.diagnostics.map((d: { path: string }) => d.path)).toEqual([
        "instances[0].kernel",
      ]);
      expect(r.json.error.hint).toContain("was the kernel removed or upgraded?");
    }
    expect(() => readFileSync(join(env!.config.grubRoot, "etc/grub.d/42_tessera"))).toThrow();
  });

  it("answers a failing grub-reboot with GRUB-COMMAND-FAILED, never its stderr", async () => {
    const ran: string[][] = [];
    // Test double: grub-script-check passes, grub-reboot fails with a message of its own.
    const failingGrubRebootTestDouble: CommandRunner = async (argv) => {
      ran.push(argv);
      return argv[0] === "grub-reboot"
        ? { code: 1, stdout: "", stderr: "grub-reboot: secret detail from the tool" }
        : { code: 0, stdout: "", stderr: "" };
    };
    const url = await serve(failingGrubRebootTestDouble);
    writeOs1Tree(env!.config.grubRoot);
    const ada = await signIn(url, "ada");
    await activate(ada, env!.profile);
    expect((await ada("POST", "/api/grub/install", { oneTime: false })).status).toBe(200);
    const r = await ada("POST", "/api/grub/boot-once", {});
    expect(r.status).toBe(502);
    expect(r.json.error.code).toBe("GRUB-COMMAND-FAILED");
    expect(JSON.stringify(r.json)).not.toContain("secret detail");
    expect(ran.map((c) => c[0])).toEqual(["grub-script-check", "grub-reboot"]);
    const audit = await ada("GET", "/api/audit?action=grub.boot-once");
    expect(audit.json.entries[0]).toMatchObject({ user: "ada", result: "failed" });
  });
});
