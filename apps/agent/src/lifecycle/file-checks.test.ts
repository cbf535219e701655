// A viewer names files the agent must look at (POST /api/validate): real FIFOs, device files,
// symlinks and missing paths. No look may hang the agent's thread pool (logins run scrypt
// there), and a path outside the allowed directories gets one answer whatever is there.
// eslint-disable-next-line no-restricted-imports -- mkfifo(1) makes the real FIFOs
import { execFileSync } from "node:child_process";
import {
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, PASSWORD, testApp, testEnv, type TestApp } from "../../test/integration/helpers";
import { lookAtFile, withTimeout } from "./file-checks";

let t: TestApp;
let base: string;
let outside: string;
const fifos: string[] = [];

function mkfifo(path: string): string {
  execFileSync("mkfifo", [path]);
  fifos.push(path);
  return path;
}

/** Lets every reader still blocked in open() go: a writer arrives (then leaves). */
function releaseFifos(): void {
  for (const f of fifos) {
    for (let i = 0; i < 8; i++) {
      try {
        closeSync(openSync(f, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        break; // ENXIO: no reader left
      }
    }
  }
}

async function login(signal: AbortSignal): Promise<number> {
  const res = await fetch(`${base}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "vera", password: PASSWORD }),
    signal,
  });
  return res.status;
}

let cookie = "";
let csrf = "";
async function validate(kernel: string, initrd?: string) {
  const profile = structuredClone(t.env.profile) as { instances: Record<string, unknown>[] };
  profile.instances[1]!.kernel = kernel;
  if (initrd) profile.instances[1]!.initrd = initrd;
  const res = await fetch(`${base}/api/validate`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, "x-csrf-token": csrf },
    body: JSON.stringify({ profile }),
    signal: AbortSignal.timeout(5000),
  });
  const body = (await res.json()) as {
    diagnostics: { code: string; path: string; message: string }[];
  };
  return body.diagnostics.filter(
    (d) => d.path.startsWith("instances[1].kernel") || d.path.startsWith("instances[1].initrd"),
  );
}

beforeAll(async () => {
  t = await testApp(testEnv());
  await addUser(t.app, "vera", "viewer");
  await t.app.listen({ host: "127.0.0.1", port: 0 });
  const addr = t.app.server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
  const res = await fetch(`${base}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "vera", password: PASSWORD }),
  });
  cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
  outside = mkdtempSync(join(tmpdir(), "tessera-outside-"));
});
afterAll(async () => {
  releaseFifos();
  await t.app.close();
  t.env.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

describe("file checks under attack", () => {
  it("never opens a FIFO: eight validations naming FIFOs do not hold up a login", async () => {
    const inside = mkfifo(join(t.env.config.dataDir, "kernels", "fifo"));
    const insideInitrd = mkfifo(join(t.env.config.dataDir, "kernels", "fifo-initrd"));
    const out = mkfifo(join(outside, "fifo"));
    const attacks = Array.from({ length: 8 }, (_, i) =>
      validate(i % 2 ? inside : out, i % 2 ? insideInitrd : out).catch((e: Error) => e),
    );
    // Let the attack requests reach the file checks first.
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    expect(await login(AbortSignal.timeout(3000))).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
    const answers = await Promise.all(attacks);
    for (const a of answers) expect(a).not.toBeInstanceOf(Error);
    const inner = answers[1] as Awaited<ReturnType<typeof validate>>;
    expect(inner.map((d) => d.code).sort()).toEqual(["FILE-MISSING", "KERNEL-UNUSABLE"]);
    expect(inner.find((d) => d.code === "KERNEL-UNUSABLE")!.message).toContain("it is a FIFO");
  });

  it("answers every path outside the allowed directories with the same words", async () => {
    const link = join(t.env.config.dataDir, "kernels", "escape");
    symlinkSync("/etc/hostname", link);
    mkdirSync(join(outside, "dir"));
    const probes = [
      "/etc/hostname", // a regular file
      "/etc", // a directory
      "/nonexistent/vmlinuz", // nothing
      join(outside, "fifo2"), // nothing yet, then a FIFO below
      "/dev/zero", // a device
      link, // a symlink out of the allowed directory
      join(t.env.config.dataDir, "kernels", "..", "..", "..", "etc", "hostname"),
    ];
    const words = new Set<string>();
    for (const p of probes) {
      const d = await validate(p);
      expect(
        d.map((x) => x.code),
        p,
      ).toEqual(["FILE-NOT-ALLOWED"]);
      words.add(d[0]!.message.replace(p, "PATH"));
    }
    mkfifo(join(outside, "fifo2"));
    const d = await validate(join(outside, "fifo2"));
    words.add(d[0]!.message.replace(join(outside, "fifo2"), "PATH"));
    expect([...words]).toEqual([
      "os2's kernel PATH is not in a directory this agent reads kernels and initrds from.",
    ]);
  });

  it("reports a relative path once, as relative", async () => {
    expect((await validate("vmlinuz")).map((d) => d.code)).toEqual(["FILE-PATH-RELATIVE"]);
  });

  it("tells a missing file from a directory only inside the allowed directories", async () => {
    const dir = join(t.env.config.dataDir, "kernels", "subdir");
    mkdirSync(dir);
    expect((await validate(join(dir, "none"))).map((d) => d.code)).toEqual(["FILE-MISSING"]);
    const d = await validate(dir);
    expect(d.map((x) => x.code)).toEqual(["KERNEL-UNUSABLE"]);
    expect(d[0]!.message).toContain("it is a directory");
  });
});

describe("lookAtFile", () => {
  it("never opens a device file, even inside an allowed directory", async () => {
    const r = await lookAtFile("/dev/zero", { dirs: ["/dev"], timeoutMs: 1000 }, 4096);
    expect(r).toEqual({ ok: false, kind: "unreadable", reason: "it is a device file" });
  });

  it("reads a regular file's size and head", async () => {
    const r = await lookAtFile(
      t.env.kernel,
      { dirs: [join(t.env.config.dataDir, "kernels")], timeoutMs: 1000 },
      1024,
    );
    expect(r.ok && r.head.length === 1024 && r.size > 1024).toBe(true);
  });

  it("puts a time limit on a look: a real open() that blocks on a FIFO gives up", async () => {
    // What the agent no longer does, done on purpose: a blocking open of a FIFO.
    const fifo = mkfifo(join(outside, "blocking"));
    const started = Date.now();
    const opening = open(fifo, "r");
    await expect(withTimeout(opening, 150, "opening the FIFO")).rejects.toThrow(
      "opening the FIFO took longer than 150 ms",
    );
    expect(Date.now() - started).toBeLessThan(1000);
    releaseFifos();
    await (await opening).close();
  });
});
