// An operator's profile cannot write GRUB script: hostile text in OS1's command line, in
// OS1's kernel and initrd paths (real files with those names) and in the profile name either
// gets the profile refused, or yields one menuentry with one `linux` and at most one
// `initrd` line that Debian's grub-script-check accepts, through POST /api/plan, POST
// /api/grub/install and `tessera plan --format grub`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand, standInBzImage } from "@tessera/kexec";
import type { FastifyInstance } from "fastify";
import { main } from "../cli/main";
import { memoryIo } from "../cli/io";
import {
  addUser,
  EXAMPLE_MACHINE,
  login,
  testEnv,
  type Login,
  type TestEnv,
  writeOs1Tree,
  grubApp,
} from "../../test/integration/helpers";

const HOSTILE = [
  "\nlinux /evil",
  "\n}\nmenuentry 'evil' {\n\tlinux /evil\n",
  "} menuentry x {",
  "; reboot",
  "${IFS}init=/bin/sh",
  "$(reboot)",
  "`reboot`",
  "a'b",
  '" x "',
  " init=/bin/sh",
  "\0",
  "\t",
  "#",
  "\\",
];
// eslint-disable-next-line no-control-regex -- the point: C0 controls
const CONTROL = /[\u0000-\u001f]/;

let env: TestEnv;
let app: FastifyInstance;
let admin: Login;
let scratch: string;

beforeAll(async () => {
  env = testEnv();
  writeOs1Tree(env.config.grubRoot);
  app = await grubApp(env, runCommand);
  await addUser(app, "ada", "admin");
  admin = await login(app, "ada");
  scratch = mkdtempSync(join(tmpdir(), "tessera-grub-check-"));
});
afterAll(async () => {
  await app.close();
  env.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

/** A real kernel file whose name carries the hostile text (where a file name can). */
function hostileKernel(s: string): string {
  const dir = join(env.config.dataDir, "kernels", "hostile");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `vmlinuz${s.replace(/\//g, "_")}`);
  if (!s.includes("\0")) writeFileSync(path, standInBzImage());
  return path;
}

function profileWith(place: string, s: string): Record<string, unknown> {
  const p = structuredClone(env.profile) as {
    name: string;
    instances: Record<string, unknown>[];
  };
  const os1 = p.instances[0]!;
  if (place === "cmdline") os1.cmdline = `console=tty0 ${s}`;
  if (place === "kernel") os1.kernel = hostileKernel(s);
  if (place === "initrd") os1.initrd = hostileKernel(s);
  if (place === "name") p.name = `seed${s}`;
  return p;
}

/** One menuentry, one linux line, at most one initrd, and grub-script-check accepts it. */
async function expectOneEntry(entry: string, label: string): Promise<void> {
  const lines = entry.split("\n");
  expect(
    lines.filter((l) => /^\s*menuentry\b/.test(l)),
    label,
  ).toHaveLength(1);
  expect(
    lines.filter((l) => /^\s*linux\b/.test(l)),
    label,
  ).toHaveLength(1);
  expect(lines.filter((l) => /^\s*initrd\b/.test(l)).length, label).toBeLessThanOrEqual(1);
  const file = join(scratch, "entry.cfg");
  writeFileSync(file, entry + "\n");
  const check = await runCommand(["grub-script-check", file]);
  expect(check.code, `${label}: ${check.stderr}`).toBe(0);
}

const table = ["cmdline", "kernel", "initrd", "name"].flatMap((place) =>
  HOSTILE.map((s) => ({ place, s })),
);

describe("GRUB injection through POST /api/plan", () => {
  it.each(table)("OS1 $place with $s: refused, or one checked entry", async ({ place, s }) => {
    const res = await app.inject({
      method: "POST",
      url: "/api/plan",
      headers: admin.headers,
      payload: { profile: profileWith(place, s), format: "grub" },
    });
    if (CONTROL.test(s)) {
      expect(res.statusCode).toBe(422);
      const codes = res.json().error.diagnostics.map((d: { code: string }) => d.code);
      expect(codes).toContain("PROFILE-CONTROL-CHAR");
      return;
    }
    expect(res.statusCode, res.body).toBe(200);
    await expectOneEntry(res.json().script, `${place} ${JSON.stringify(s)}`);
  });

  it("checks OS1's kernel and initrd like a successor's: they exist and the kernel is a bzImage", async () => {
    const notKernel = join(env.config.dataDir, "kernels", "not-a-kernel");
    writeFileSync(notKernel, "just text\n".repeat(100));
    const p = profileWith("cmdline", "quiet") as { instances: Record<string, unknown>[] };
    p.instances[0]!.kernel = notKernel;
    p.instances[0]!.initrd = join(env.config.dataDir, "kernels", "no-such-initrd.img");
    const res = await app.inject({
      method: "POST",
      url: "/api/validate",
      headers: admin.headers,
      payload: { profile: p },
    });
    const found = res
      .json()
      .diagnostics.filter((d: { path: string; severity: string }) =>
        /^instances\[0\]\.(kernel|initrd)$/.test(d.path),
      )
      .map((d: { code: string; path: string }) => `${d.code} ${d.path}`);
    expect(found.sort()).toEqual([
      "FILE-MISSING instances[0].initrd",
      "KERNEL-UNUSABLE instances[0].kernel",
    ]);
  });
});

describe("GRUB injection through POST /api/grub/install", () => {
  async function activate(profile: unknown): Promise<void> {
    const rec = await app.inject({
      method: "POST",
      url: "/api/profiles",
      headers: admin.headers,
      payload: { profile },
    });
    expect(rec.statusCode).toBe(201);
    const act = await app.inject({
      method: "POST",
      url: `/api/profiles/${rec.json().id}/activate`,
      headers: admin.headers,
    });
    expect(act.statusCode).toBe(200);
  }
  const install = () =>
    app.inject({
      method: "POST",
      url: "/api/grub/install",
      headers: admin.headers,
      payload: { oneTime: true },
    });

  it("refuses to install an entry from a command line with a newline, and writes nothing", async () => {
    await activate(profileWith("cmdline", "quiet\nlinux /evil\ninitrd /evil.img"));
    const res = await install();
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe("LAYOUT-INVALID");
    expect(existsSync(app.tessera.boot.file)).toBe(false);
  });

  it("installs hostile but printable text as quoted words in one entry", async () => {
    await activate(profileWith("cmdline", "} ; $(reboot) `x` ${IFS} 'q' \"d\" #c"));
    const res = await install();
    expect(res.statusCode, res.body).toBe(200);
    const written = readFileSync(app.tessera.boot.file, "utf8");
    await expectOneEntry(written, "installed");
  });
});

describe("GRUB injection through tessera plan --format grub", () => {
  async function cli(profile: unknown, extra: string[] = []) {
    const io = memoryIo({ "/p.json": JSON.stringify(profile) });
    const code = await main(
      ["plan", "--machine", EXAMPLE_MACHINE, "--profile", "/p.json", "--format", "grub", ...extra],
      io,
    );
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  }

  it("exits 1 naming PROFILE-CONTROL-CHAR for a newline in OS1's command line", async () => {
    const r = await cli(profileWith("cmdline", "quiet\nlinux /evil"));
    expect(r.code).toBe(1);
    expect(r.err).toContain("PROFILE-CONTROL-CHAR");
    expect(r.out).toBe("");
  });

  it("exits 1 for a relative or newline-carrying --os1-kernel", async () => {
    expect((await cli(env.profile, ["--os1-kernel", "vmlinuz"])).err).toContain(
      "FILE-PATH-RELATIVE",
    );
    expect((await cli(env.profile, ["--os1-kernel", "/boot/vmlinuz\n}"])).err).toContain(
      "PROFILE-CONTROL-CHAR",
    );
  });

  it("prints one checked entry for printable hostile text", async () => {
    const r = await cli(profileWith("cmdline", "}\u0020; $(reboot) `x` 'q'"), [
      "--os1-kernel",
      "/boot/vmlinuz ; x",
      "--os1-root",
      "UUID=';x'",
    ]);
    expect(r.code, r.err).toBe(0);
    await expectOneEntry(r.out, "cli");
  });
});
