// Shared test setup: a temporary data directory, the example machine, a profile whose
// successors point at a minimal but valid bzImage header written to the temp dir, and the
// real dry-run loader from @tessera/kexec.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createLoader, standInBzImage, type DryRunLoader, type Loader } from "@tessera/kexec";
import { parseMachine, type Machine } from "@tessera/core";
import type { FastifyInstance } from "fastify";
import WebSocket from "ws";
import { buildApp } from "../../src/app";
import { defaultConfig, type AgentConfig } from "../../src/config";
import { hashPassword } from "../../src/auth/password";
import { MachineService } from "../../src/services/machine-service";
import type { CommandRunner } from "../../src/grub/service";

export const REPO = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../..");
export const EXAMPLE_MACHINE = join(REPO, "examples/machine.json");
export const PASSWORD = "correct horse battery";

export function exampleMachine(): Machine {
  const r = parseMachine(JSON.parse(readFileSync(EXAMPLE_MACHINE, "utf8")));
  if (!r.ok) throw new Error("examples/machine.json does not parse");
  return r.value;
}

/** A stand-in kernel file (packages/kexec): a valid bzImage header, no kernel. */
export const fakeBzImage = standInBzImage;

export interface TestEnv {
  dir: string;
  config: AgentConfig;
  /** The stand-in kernel and an initrd, in the data dir's kernels/ (an allowed directory). */
  kernel: string;
  initrd: string;
  /** The example profile with its successors' kernel and initrd in the temp dir. */
  profile: Record<string, unknown>;
  cleanup(): void;
}

export function testEnv(over: Partial<AgentConfig> = {}): TestEnv {
  const dir = mkdtempSync(join(tmpdir(), "tessera-agent-"));
  // The agent reads kernels only from allowed directories: by default its data dir's kernels/.
  const kernels = join(dir, "data", "kernels");
  mkdirSync(kernels, { recursive: true });
  const kernel = join(kernels, "vmlinuz");
  const initrd = join(kernels, "initrd.img");
  writeFileSync(kernel, fakeBzImage());
  writeFileSync(initrd, Buffer.alloc(4096));
  const profile = JSON.parse(readFileSync(join(REPO, "examples/profile.json"), "utf8")) as {
    instances: Record<string, unknown>[];
  };
  for (const inst of profile.instances.slice(1)) {
    inst.kernel = kernel;
    inst.initrd = initrd;
  }
  const config: AgentConfig = {
    ...defaultConfig(),
    dataDir: join(dir, "data"),
    machineFile: EXAMPLE_MACHINE,
    webRoot: join(dir, "no-web"),
    heartbeatTimeoutMs: 0,
    grubRoot: join(dir, "root"),
    ...over,
  };
  return {
    dir,
    config,
    kernel,
    initrd,
    profile,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The Debian kernel version the stand-in OS1 tree names. */
export const OS1_VERSION = "6.1.0-18-amd64";

/**
 * A running OS1 as the agent reads it under its GRUB root: /proc/cmdline (GRUB's
 * BOOT_IMAGE= and root=), /boot/vmlinuz-<version> (a stand-in bzImage) and, unless left
 * out, /boot/initrd.img-<version>; plus /etc/grub.d and /boot/grub.
 */
export function writeOs1Tree(
  root: string,
  o: { cmdline?: string; initrd?: boolean } = {},
): { kernel: string; initrd: string; root: string } {
  for (const d of ["proc", "boot/grub", "etc/grub.d"])
    mkdirSync(join(root, d), { recursive: true });
  const cmdline =
    o.cmdline ?? `BOOT_IMAGE=/boot/vmlinuz-${OS1_VERSION} root=UUID=0a1b2c3d-77 ro quiet`;
  writeFileSync(join(root, "proc/cmdline"), `${cmdline}\n`);
  writeFileSync(join(root, `boot/vmlinuz-${OS1_VERSION}`), fakeBzImage());
  if (o.initrd !== false)
    writeFileSync(join(root, `boot/initrd.img-${OS1_VERSION}`), Buffer.alloc(4096));
  return {
    kernel: `/boot/vmlinuz-${OS1_VERSION}`,
    initrd: `/boot/initrd.img-${OS1_VERSION}`,
    root: "UUID=0a1b2c3d-77",
  };
}

export interface TestApp {
  app: FastifyInstance;
  loader: DryRunLoader;
  env: TestEnv;
  /** Cores online in OS1 as the agent's live check sees them (mutable). */
  online: number[];
  /** Set false to drop the simulated guest's reports (a guest that went silent). */
  guestAlive: { value: boolean };
}

/** The agent with the real dry-run loader, OS1's cores online, fast boot phases. */
export async function testApp(
  env: TestEnv = testEnv(),
  delays: Record<string, number> = {
    "loading-image": 5,
    purgatory: 5,
    "ipi-sent": 5,
    "kernel-booting": 10,
    "userspace-up": 5,
  },
  /** Wraps the dry-run loader (a test double around the real one, named as such). */
  wrap?: (l: DryRunLoader) => Loader,
): Promise<TestApp> {
  const machine = exampleMachine();
  const online = [0, 1, 2, 3];
  const guestAlive = { value: true };
  let sink:
    | ((e: { name: string; type: "heartbeat" | "boot-complete" | "crashed"; at: number }) => void)
    | null = null;
  const loader = createLoader({
    kind: "dry-run",
    machine,
    onlineCpus: [0, 1, 2, 3],
    delays,
    statePath: join(env.dir, "dry-run-state.json"),
    heartbeatMs: 50,
    onGuestEvent: (e) => sink?.(e),
  });
  const app = await buildApp({
    config: env.config,
    loader: wrap ? wrap(loader) : loader,
    machine: new MachineService({ machine, problems: [], source: "file" }, async () => ({
      machine,
      problems: [],
      source: "file",
    })),
    live: { onlineCpus: async () => [...online] },
  });
  sink = (e) => {
    if (!guestAlive.value) return;
    try {
      app.tessera.guests.guest(e);
    } catch {
      // a late event after close
    }
  };
  app.addHook("onClose", async () => loader.close());
  return { app, loader, env, online, guestAlive };
}

/** The agent on the example machine with a plain dry-run loader and the given command runner
 * (the GRUB routes' tests: grub-script-check, update-grub, grub-reboot). */
export async function grubApp(
  env: TestEnv,
  commandRunner: CommandRunner,
): Promise<FastifyInstance> {
  const machine = exampleMachine();
  return buildApp({
    config: env.config,
    loader: createLoader({ kind: "dry-run", machine }),
    machine: new MachineService({ machine, problems: [], source: "file" }, async () => ({
      machine,
      problems: [],
      source: "file",
    })),
    commandRunner,
  });
}

export async function addUser(
  app: FastifyInstance,
  name: string,
  role: "viewer" | "operator" | "admin",
): Promise<void> {
  app.tessera.users.add(name, role, await hashPassword(PASSWORD));
}

export interface Login {
  cookie: string;
  csrf: string;
  headers: Record<string, string>;
}

export async function login(app: FastifyInstance, name: string): Promise<Login> {
  const res = await app.inject({
    method: "POST",
    url: "/api/session",
    payload: { username: name, password: PASSWORD },
  });
  if (res.statusCode !== 200) throw new Error(`login ${name}: ${res.statusCode} ${res.body}`);
  const set = res.headers["set-cookie"];
  const cookie = (Array.isArray(set) ? set[0]! : set!).split(";")[0]!;
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return { cookie, csrf, headers: { cookie, "x-csrf-token": csrf } };
}

/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
export async function until<T>(
  check: () => T | undefined | Promise<T | undefined>,
  ms = 5000,
  what = "condition",
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The agent with the operator "olga" signed in. */
export async function operatorApp(
  ...args: Parameters<typeof testApp>
): Promise<{ t: TestApp; op: Login }> {
  const t = await testApp(...args);
  await addUser(t.app, "olga", "operator");
  return { t, op: await login(t.app, "olga") };
}

/**
 * The agent with an operator signed in and the example profile stored and active: the
 * starting point of the lifecycle and live-stream tests.
 */
export async function activeProfileApp(
  ...args: Parameters<typeof testApp>
): Promise<{ t: TestApp; op: Login; id: string; activated: number }> {
  const { t, op } = await operatorApp(...args);
  const rec = await t.app.inject({
    method: "POST",
    url: "/api/profiles",
    headers: op.headers,
    payload: { profile: t.env.profile },
  });
  const id = rec.json().id as string;
  // The activation's status: 200, or 409 RESOURCE-LOCKED when an agent restarted on the same
  // data still has instances that may run (the restart tests rely on that).
  const act = await t.app.inject({
    method: "POST",
    url: `/api/profiles/${id}/activate`,
    headers: op.headers,
  });
  return { t, op, id, activated: act.statusCode };
}

export interface LiveConn {
  ws: WebSocket;
  messages: Record<string, unknown>[];
  closed: Promise<number>;
}

/** Opens the live stream of a listening agent as `op`, the way a browser does. */
export function openLive(
  base: string,
  op: Login,
  query = "",
  headers: Record<string, string> = {},
  protocol: string | null = "tessera.ws.v1",
): Promise<LiveConn> {
  const url = base.replace("http", "ws") + "/api/ws" + query;
  const ws = new WebSocket(url, protocol ? [protocol] : [], {
    headers: { cookie: op.cookie, origin: base, ...headers },
  });
  const messages: Record<string, unknown>[] = [];
  ws.on("message", (d) => messages.push(JSON.parse(String(d))));
  const closed = new Promise<number>((r) => ws.on("close", (code) => r(code)));
  return new Promise((resolve, reject) => {
    ws.on("open", () => resolve({ ws, messages, closed }));
    ws.on("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on("error", reject);
  });
}
