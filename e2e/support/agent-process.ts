// The real agent as its own process for the run journeys: a fresh temporary data directory
// (real SQLite), the example machine, the dry-run loader, and the web console built by the
// Playwright config's webServer step. Each spec gets its own agent so it can slow the loader
// down, read the one-time password from stdout, or kill it with SIGKILL and restart it.
// The journeys must run the agent as a real process (to read its stdout and to SIGKILL it);
// e2e is test code, not the product, so the "only packages/kexec spawns" rule does not apply.
// eslint-disable-next-line no-restricted-imports -- test code: the journeys run the real agent as a process
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { standInBzImage } from "@tessera/kexec";

// The stand-in kernel file comes from packages/kexec, which knows the boot header.
export { standInBzImage };

export const ROOT = resolve(import.meta.dirname, "../..");

export interface AgentOptions {
  /** Dry-run phase delays in ms (the agent's --dry-run-delays). */
  delays?: Record<string, number>;
  /** Set TESSERA_ADMIN_PASSWORD; leave out to have the agent print a one-time password. */
  adminPassword?: string;
  extraArgs?: string[];
  /** Dry-run faults (packages/kexec FaultSpec), passed as `tessera serve --dry-run-faults`. */
  faults?: { instance?: string; at: string; kind: string }[];
  /**
   * Start it the way `npm start` does (`tessera serve --demo`: this host discovered, the
   * dry-run loader, the default kernel dirs), only on a free port and a fresh data dir.
   */
  npmStart?: boolean;
}

export class Agent {
  child: ChildProcess | null = null;
  output = "";
  port = 0;
  // Made on first start, not on construction: Playwright also loads spec files in the
  // runner process just to list tests, where nothing is ever started or stopped.
  private tmp: string | null = null;
  get dir(): string {
    this.tmp ??= mkdtempSync(join(tmpdir(), "tessera-e2e-run-"));
    return this.tmp;
  }
  get dataDir(): string {
    return join(this.dir, "data");
  }

  constructor(readonly opts: AgentOptions = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts, on the same port and data) and resolves once it listens. */
  async start(): Promise<void> {
    const webRoot = process.env.TESSERA_E2E_WEB_ROOT ?? join(ROOT, "apps/web/dist");
    const npmStart = [
      join(ROOT, "apps/agent/bin/tessera.mjs"),
      "serve",
      "--demo",
      "--port",
      String(this.port),
      "--data-dir",
      this.dataDir,
      "--web-root",
      webRoot,
      "--log-level",
      "warn",
    ];
    const args = this.opts.npmStart
      ? npmStart
      : [
          join(ROOT, "apps/agent/bin/tessera.mjs"),
          "serve",
          "--port",
          String(this.port),
          "--data-dir",
          this.dataDir,
          // The stand-in kernels live in the temp dir (the agent reads kernels only from these).
          "--kernel-dir",
          this.dir,
          "--machine",
          join(ROOT, "examples/machine.json"),
          "--web-root",
          webRoot,
          "--loader",
          "dry-run",
          "--log-level",
          "warn",
          ...(this.opts.delays ? ["--dry-run-delays", JSON.stringify(this.opts.delays)] : []),
          ...(this.opts.faults ? ["--dry-run-faults", JSON.stringify(this.opts.faults)] : []),
          ...(this.opts.extraArgs ?? []),
        ];
    const env = { ...process.env };
    delete env.TESSERA_ADMIN_PASSWORD;
    if (this.opts.adminPassword) env.TESSERA_ADMIN_PASSWORD = this.opts.adminPassword;
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    const mark = this.output.length;
    child.stdout!.on("data", (b: Buffer) => (this.output += b.toString()));
    child.stderr!.on("data", (b: Buffer) => (this.output += b.toString()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(this.output.slice(mark));
      if (m) {
        this.port = Number(m[1]);
        return;
      }
      if (child.exitCode !== null)
        throw new Error(`agent exited ${child.exitCode}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`agent did not start:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The one-time admin password the agent printed on first start. */
  printedPassword(): string | null {
    return /One-time password: (\S+)/.exec(this.output)?.[1] ?? null;
  }

  async kill9(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((r) => c.once("exit", r));
    c.kill("SIGKILL");
    await gone;
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (c && c.exitCode === null) {
      const gone = new Promise((r) => c.once("exit", r));
      c.kill("SIGTERM");
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      if (c.exitCode === null) c.kill("SIGKILL");
    }
    if (this.tmp) rmSync(this.tmp, { recursive: true, force: true });
    this.tmp = null;
  }

  /** A signed-in API client (cookie + CSRF token), as a second program would use the API. */
  client(name: string, password: string): Promise<ApiClient> {
    return apiSignIn(this.url, name, password);
  }

  /**
   * Imports examples/profile.json with its successors' kernel and initrd pointing at files
   * in the temp dir (a minimal valid bzImage header: a test double for a real kernel, which
   * the dry-run loader only reads the header of), and activates it.
   */
  async seedProfile(admin: ApiClient): Promise<string> {
    const kernel = join(this.dir, "vmlinuz");
    const initrd = join(this.dir, "initrd.img");
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(kernel, standInBzImage());
    writeFileSync(initrd, Buffer.alloc(4096));
    const profile = JSON.parse(readFileSync(join(ROOT, "examples/profile.json"), "utf8")) as {
      instances: Record<string, unknown>[];
    };
    for (const inst of profile.instances.slice(1)) {
      inst.kernel = kernel;
      inst.initrd = initrd;
    }
    const rec = await admin.call("POST", "/api/profiles/import", profile);
    if (rec.status !== 201) throw new Error(`import: ${rec.status} ${JSON.stringify(rec.body)}`);
    const id = (rec.body as { id: string }).id;
    const act = await admin.call("POST", `/api/profiles/${id}/activate`, {});
    if (act.status !== 200) throw new Error(`activate: ${act.status} ${JSON.stringify(act.body)}`);
    return id;
  }
}

export class ApiClient {
  constructor(
    readonly base: string,
    readonly cookie: string,
    readonly csrf: string,
  ) {}
  async call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { cookie: this.cookie };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (method !== "GET") headers["x-csrf-token"] = this.csrf;
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  }
  /**
   * Adds a user who can sign in with `password` straight away. A password an admin sets must
   * be replaced by its user at their first sign-in (API.md), so the admin sets a temporary
   * one and the new user chooses `password`, as they would on the console's first screen.
   * Resolves with the add's status (201, or 409 when the name exists: nothing is changed).
   */
  async addUser(name: string, role: string, password: string): Promise<number> {
    const temporary = `${password}-set-by-admin`;
    const r = await this.call("POST", "/api/users", { name, role, password: temporary });
    if (r.status === 409) return 409;
    if (r.status !== 201)
      throw new Error(`add user ${name}: ${r.status} ${JSON.stringify(r.body)}`);
    const user = await apiSignIn(this.base, name, temporary);
    await user.choosePassword(temporary, password);
    return 201;
  }
  /** Replaces this session's user's own password (POST /api/session/password). */
  async choosePassword(currentPassword: string, newPassword: string): Promise<void> {
    const r = await this.call("POST", "/api/session/password", { currentPassword, newPassword });
    if (r.status !== 200) throw new Error(`new password: ${r.status} ${JSON.stringify(r.body)}`);
  }
}

/** Signs in through the API, as a second program would. */
export async function apiSignIn(base: string, name: string, password: string): Promise<ApiClient> {
  const res = await fetch(`${base}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: name, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${name}: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { csrfToken: string };
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  return new ApiClient(base, cookie, body.csrfToken);
}
