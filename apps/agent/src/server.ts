// Starts the agent: reads the machine, creates the loader, builds the app, makes sure an
// admin exists, listens. Everything the process needs is wired here and only here.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createLoader,
  runCommand,
  type DryRunLoader,
  type FaultSpec,
  type GuestEvent,
  type Loader,
} from "@tessera/kexec";
import { parseMachine, formatParseErrors, type Machine, type Profile } from "@tessera/core";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app";
import { openDatabase } from "./db/database";
import { isLoopback, dataPath, type AgentConfig } from "./config";
import { generatePassword } from "./auth/password";
import { DemoError, prepareDemo } from "./demo";
import type { LiveFacts } from "./lifecycle/live-facts";
import { MachineService, type LoadedMachine } from "./services/machine-service";
import type { CommandRunner } from "./grub/service";

export interface ServerIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
}

export class StartError extends Error {}

export async function loadMachine(cfg: AgentConfig): Promise<LoadedMachine> {
  if (cfg.machineFile) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(cfg.machineFile, "utf8"));
    } catch (err) {
      throw new StartError(
        `${cfg.machineFile}: ${err instanceof SyntaxError ? "not valid JSON" : "cannot be read"}`,
      );
    }
    const r = parseMachine(json);
    if (!r.ok)
      throw new StartError(
        `${cfg.machineFile}: not a tessera/machine@1 document:\n${formatParseErrors(r.errors)}`,
      );
    return { machine: r.value, problems: r.value.discovery?.problems ?? [], source: "file" };
  }
  // Discovery lives beside the agent (src/discovery), loaded lazily: a machine file needs
  // none of it.
  const mod = await import("./discovery/index");
  let r;
  try {
    r = await mod.discoverMachine({ root: cfg.discoveryRoot });
  } catch (err) {
    throw new StartError(
      `cannot discover the machine under ${cfg.discoveryRoot} (${err instanceof Error ? err.message : String(err)}): pass --machine FILE`,
    );
  }
  return {
    machine: r.machine,
    problems: r.problems,
    source: cfg.discoveryRoot === "/" ? "live" : "capture",
  };
}

/**
 * Cores online in OS1, read from sysfs and translated to LAPIC IDs through the machine, and
 * OS1's running command line.
 */
export function sysfsOnlineCpus(machine: () => Machine): LiveFacts {
  return {
    async os1Cmdline() {
      // Only this host's own command line says where OS1's console is: a machine read from
      // a file or a capture is another machine.
      if (machine().discovery?.source !== "live") return undefined;
      return readFile("/proc/cmdline", "utf8").then(
        (t) => t.trim(),
        () => undefined,
      );
    },
    async onlineCpus() {
      const out: number[] = [];
      for (const c of machine().cpus) {
        const text = await readFile(`/sys/devices/system/cpu/cpu${c.cpu}/online`, "utf8").catch(
          () => (c.cpu === 0 ? "1" : null),
        );
        if (text === null) return undefined;
        if (text.trim() === "1") out.push(c.apicId);
      }
      return out;
    },
  };
}

/** The warning for a non-loopback address without TLS, or null. */
export function bindWarning(cfg: Pick<AgentConfig, "host" | "tlsCert">): string | null {
  if (isLoopback(cfg.host) || cfg.tlsCert) return null;
  return `warning: listening on ${cfg.host} without TLS: passwords and session cookies cross the network in clear. Use --tls-cert and --tls-key.`;
}

export interface Started {
  app: FastifyInstance;
  url: string;
  loader: Loader;
}

export async function startServer(
  cfg: AgentConfig,
  io: ServerIo,
  runner?: CommandRunner,
): Promise<Started> {
  runner ??= runCommand;
  // The database first: it is judged by the state files beside it, as the last run left
  // them (the dry-run loader below writes its own at once).
  openDatabase(cfg.dataDir).close();
  const loaded = await loadMachine(cfg);
  const machine = new MachineService(loaded, () => loadMachine(cfg));
  let guestSink: ((e: GuestEvent) => void) | null = null;
  let loader: Loader;
  let live: LiveFacts;
  let simulated: number[] | null = cfg.dryRunOnlineCpus;
  if (cfg.loader === "dry-run") {
    const statePath = dataPath(cfg, "dry-run-state.json");
    let dry: DryRunLoader;
    try {
      dry = createLoader({
        kind: "dry-run",
        machine: loaded.machine,
        ...(cfg.dryRunOnlineCpus ? { onlineCpus: cfg.dryRunOnlineCpus } : {}),
        delays: cfg.dryRunDelays,
        faults: cfg.dryRunFaults as FaultSpec[],
        statePath,
        onGuestEvent: (e) => guestSink?.(e),
      });
    } catch (err) {
      // The simulated machine's state file: name it, never start over it silently.
      throw new StartError(
        `${statePath}: the dry-run loader's state cannot be read (${err instanceof Error ? err.message : String(err)}). Restore it, or delete it to simulate a machine that just booted (every instance stopped).`,
      );
    }
    loader = dry;
    live = { onlineCpus: async () => simulated ?? undefined };
    // The simulated OS1 "booted" with the active profile's options: its cores are the only
    // ones online (unless --dry-run-online-cpus fixed them).
    const os1Booted = (p: Profile) => {
      if (cfg.dryRunOnlineCpus || !p.instances[0]) return;
      simulated = [...p.instances[0].cpus];
      dry.setOnlineCpus(simulated);
    };
    const app = await build(cfg, loader, machine, live, runner, os1Booted);
    if (cfg.demo) {
      try {
        await prepareDemo(cfg, app.tessera, io);
      } catch (err) {
        await app.close();
        dry.close();
        if (err instanceof DemoError) throw new StartError(err.message);
        throw err;
      }
    }
    const id = app.tessera.profiles.activeId();
    const active = id ? app.tessera.profiles.get(id) : undefined;
    if (active) os1Booted(active.profile);
    guestSink = (e) => {
      try {
        app.tessera.guests.guest({ name: e.name, type: e.type, at: e.at });
      } catch (err) {
        app.log.warn({ err }, "simulated guest event dropped");
      }
    };
    app.addHook("onClose", async () => dry.close());
    return finish(app, cfg, io, loader);
  }
  // The direct loader watches its successors' mailboxes and reports their heartbeats the way
  // the dry-run's simulated guests do; the other loaders' guests report over HTTP.
  const reports =
    cfg.loader === "direct"
      ? {
          statePath: dataPath(cfg, "direct-state.json"),
          onGuestEvent: (e: GuestEvent) => guestSink?.(e),
        }
      : {};
  loader = createLoader({ ...cfg.loaderOptions, ...reports, kind: cfg.loader } as Parameters<
    typeof createLoader
  >[0]);
  live = sysfsOnlineCpus(() => machine.machine);
  const app = await build(cfg, loader, machine, live, runner);
  guestSink = (e) => {
    try {
      app.tessera.guests.guest({ name: e.name, type: e.type, at: e.at, reason: e.reason });
    } catch (err) {
      app.log.warn({ err }, "guest event dropped");
    }
  };
  return finish(app, cfg, io, loader);
}

async function build(
  cfg: AgentConfig,
  loader: Loader,
  machine: MachineService,
  live: LiveFacts,
  runner: CommandRunner | undefined,
  onActivated?: (p: Profile) => void,
) {
  const https =
    cfg.tlsCert && cfg.tlsKey
      ? { cert: await readFile(cfg.tlsCert), key: await readFile(cfg.tlsKey) }
      : null;
  return buildApp({
    config: cfg,
    loader,
    machine,
    live,
    https,
    commandRunner: runner,
    onActivated,
    logger: {
      level: cfg.logLevel,
      redact: ["req.headers.cookie", "req.headers.authorization", "req.headers['x-csrf-token']"],
    },
  });
}

async function finish(
  app: FastifyInstance,
  cfg: AgentConfig,
  io: ServerIo,
  loader: Loader,
): Promise<Started> {
  const users = app.tessera.users;
  if (users.count() === 0) {
    const given = io.env.TESSERA_ADMIN_PASSWORD;
    const password = given || generatePassword();
    // The printed password is one-time: the first sign-in has to replace it. One given in
    // TESSERA_ADMIN_PASSWORD is the installer's own choice (as an installer's prompt would be).
    await app.tessera.userService.add("system", "admin", "admin", password, !given);
    if (given) io.out("Created user admin with the password from TESSERA_ADMIN_PASSWORD.");
    else
      io.out(
        `Created user admin. One-time password: ${password}\nSign in with it to choose your own password; it is not shown again.`,
      );
  }
  const warning = bindWarning(cfg);
  if (warning) io.err(warning);
  const address = await app.listen({ host: cfg.host, port: cfg.port });
  if (!cfg.controllerUrl) {
    // Guests need an address they can reach; the listening one is the best default.
    (cfg as { controllerUrl: string | null }).controllerUrl = address;
  }
  io.out(`Tessera agent listening on ${address} (loader: ${loader.kind}, data: ${cfg.dataDir})`);
  if (!existsSync(join(cfg.webRoot, "index.html"))) {
    io.out(`The web console is not built (${cfg.webRoot}): npm run build --workspace=@tessera/web`);
  }
  return { app, url: address, loader };
}
