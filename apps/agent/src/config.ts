// The agent's configuration: defaults < config file (JSON) < environment < flags. Every
// option has one name in each layer (camelCase in the file, TESSERA_UPPER_SNAKE in the
// environment, --kebab-case as a flag); OPTIONS is the single table `serve --help` prints.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BOOT_PHASES,
  DEADLINED_PHASES,
  DEFAULT_PHASE_DEADLINES_MS,
  type PhaseDeadlines,
} from "@tessera/core";

export type LoaderKindOption = "dry-run" | "mint" | "multikernel" | "direct";

export interface AgentConfig {
  host: string;
  port: number;
  dataDir: string;
  /** Read the machine from this tessera/machine@1 file instead of discovering the host. */
  machineFile: string | null;
  /** Discover from this root (a captured tree) instead of "/". */
  discoveryRoot: string;
  loader: LoaderKindOption;
  /** Options of the mint or multikernel loader (packages/kexec MintConfig / MultikernelConfig). */
  loaderOptions: Record<string, unknown>;
  /** Dry-run: delays per boot phase in ms, and cores online in OS1 (default: OS1's cores). */
  dryRunDelays: Record<string, number>;
  dryRunOnlineCpus: number[] | null;
  /** Dry-run: faults to inject (packages/kexec FaultSpec), for demos and tests. */
  dryRunFaults: { instance?: string; at: string; kind: string }[];
  webRoot: string;
  tlsCert: string | null;
  tlsKey: string | null;
  /** Origins allowed to open the WebSocket besides the agent's own. */
  allowedOrigins: string[];
  /** Directories kernel and initrd paths must lie in; empty: /boot and <dataDir>/kernels. */
  kernelDirs: string[];
  /** How long each start phase may take before the start looks stuck (ms; 0: no deadline). */
  phaseDeadlines: PhaseDeadlines;
  /** 0 turns the heartbeat watch off. */
  heartbeatTimeoutMs: number;
  sessionTtlMs: number;
  bodyLimit: number;
  loginRateLimit: number;
  /**
   * Root of OS1's tree ("/" on a real machine; a temp dir in tests): GRUB files are written
   * under it, and OS1's /proc/cmdline and /boot read under it for its boot entry.
   */
  grubRoot: string;
  /** URL guests report to (tessera.controller=); default from host and port. */
  controllerUrl: string | null;
  logLevel: string;
  /**
   * The out-of-the-box demo (`npm start`): the dry-run loader only; writes the stand-in
   * kernel into <dataDir>/kernels and seeds a demo profile on a fresh data dir (src/demo.ts).
   */
  demo: boolean;
}

type Kind =
  "string" | "int" | "list" | "json" | "nullable" | "faults" | "object" | "bool" | "deadlines";

interface OptionSpec {
  key: keyof AgentConfig;
  flag: string;
  env: string;
  kind: Kind;
  help: string;
}

export const OPTIONS: OptionSpec[] = [
  {
    key: "host",
    flag: "host",
    env: "TESSERA_HOST",
    kind: "string",
    help: "address to listen on (default 127.0.0.1; others print a warning without TLS)",
  },
  {
    key: "port",
    flag: "port",
    env: "TESSERA_PORT",
    kind: "int",
    help: "TCP port (default 7443; 0 picks a free one)",
  },
  {
    key: "dataDir",
    flag: "data-dir",
    env: "TESSERA_DATA_DIR",
    kind: "string",
    help: "where the SQLite database and state live (default: apps/agent/tessera-data)",
  },
  {
    key: "machineFile",
    flag: "machine",
    env: "TESSERA_MACHINE",
    kind: "nullable",
    help: "read the machine from a tessera/machine@1 file instead of discovering this host",
  },
  {
    key: "discoveryRoot",
    flag: "discovery-root",
    env: "TESSERA_DISCOVERY_ROOT",
    kind: "string",
    help: "discover from this root instead of / (a captured tree)",
  },
  {
    key: "loader",
    flag: "loader",
    env: "TESSERA_LOADER",
    kind: "string",
    help: "dry-run (default), direct (stock kernels: /dev/mem and the local APIC), mint or multikernel",
  },
  {
    key: "loaderOptions",
    flag: "loader-options",
    env: "TESSERA_LOADER_OPTIONS",
    kind: "object",
    help: 'direct/mint/multikernel loader options as JSON, e.g. {"binary":"/usr/local/sbin/kexec-mint"} (see packages/kexec README)',
  },
  {
    key: "demo",
    flag: "demo",
    env: "TESSERA_DEMO",
    kind: "bool",
    help: "the demo npm start runs (dry-run loader only): writes Tessera's stand-in kernel (a boot header, not a kernel) to <data-dir>/kernels and, on a fresh data dir, seeds and activates a profile whose os2 boots it (env: 1 or 0)",
  },
  {
    key: "dryRunDelays",
    flag: "dry-run-delays",
    env: "TESSERA_DRY_RUN_DELAYS",
    kind: "json",
    help: 'dry-run phase delays in ms as JSON, e.g. {"kernel-booting":5000}',
  },
  {
    key: "dryRunOnlineCpus",
    flag: "dry-run-online-cpus",
    env: "TESSERA_DRY_RUN_ONLINE_CPUS",
    kind: "list",
    help: "dry-run: LAPIC IDs online in OS1, comma-separated (default: OS1's cores of the active profile)",
  },
  {
    key: "dryRunFaults",
    flag: "dry-run-faults",
    env: "TESSERA_DRY_RUN_FAULTS",
    kind: "faults",
    help: 'dry-run faults as JSON, e.g. [{"instance":"os2","at":"kernel-booting","kind":"fail"}] (kind: fail, hang, crash-while-running)',
  },
  {
    key: "webRoot",
    flag: "web-root",
    env: "TESSERA_WEB_ROOT",
    kind: "string",
    help: "the built web console (default apps/web/dist)",
  },
  {
    key: "tlsCert",
    flag: "tls-cert",
    env: "TESSERA_TLS_CERT",
    kind: "nullable",
    help: "PEM certificate file: serve HTTPS",
  },
  {
    key: "tlsKey",
    flag: "tls-key",
    env: "TESSERA_TLS_KEY",
    kind: "nullable",
    help: "PEM private key file for --tls-cert",
  },
  {
    key: "allowedOrigins",
    flag: "allowed-origin",
    env: "TESSERA_ALLOWED_ORIGINS",
    kind: "list",
    help: "extra origin allowed to open the WebSocket (repeatable; env: comma-separated)",
  },
  {
    key: "kernelDirs",
    flag: "kernel-dir",
    env: "TESSERA_KERNEL_DIRS",
    kind: "list",
    help: "directory kernels and initrds may be read from (repeatable; env: comma-separated; default /boot and <data-dir>/kernels)",
  },
  {
    key: "phaseDeadlines",
    flag: "phase-deadlines",
    env: "TESSERA_PHASE_DEADLINES",
    kind: "deadlines",
    help: 'ms a start phase may take before the console says it looks stuck, as JSON over the defaults, e.g. {"kernel-booting":90000} (0: no deadline; defaults in the agent README)',
  },
  {
    key: "heartbeatTimeoutMs",
    flag: "heartbeat-timeout",
    env: "TESSERA_HEARTBEAT_TIMEOUT",
    kind: "int",
    help: "ms without a guest heartbeat before a running instance is unresponsive (default 15000; 0 off)",
  },
  {
    key: "sessionTtlMs",
    flag: "session-ttl",
    env: "TESSERA_SESSION_TTL",
    kind: "int",
    help: "session lifetime in ms (default 12 h)",
  },
  {
    key: "bodyLimit",
    flag: "body-limit",
    env: "TESSERA_BODY_LIMIT",
    kind: "int",
    help: "largest request body in bytes (default 1 MiB)",
  },
  {
    key: "loginRateLimit",
    flag: "login-rate-limit",
    env: "TESSERA_LOGIN_RATE_LIMIT",
    kind: "int",
    help: "failed login attempts per minute per address and user name before 429 (default 10)",
  },
  {
    key: "grubRoot",
    flag: "grub-root",
    env: "TESSERA_GRUB_ROOT",
    kind: "string",
    help: "root of OS1's tree: /etc/grub.d and /boot/grub written, /proc/cmdline and /boot read under it (default /)",
  },
  {
    key: "controllerUrl",
    flag: "controller-url",
    env: "TESSERA_CONTROLLER_URL",
    kind: "nullable",
    help: "URL guests report to (default: this agent's address)",
  },
  {
    key: "logLevel",
    flag: "log-level",
    env: "TESSERA_LOG_LEVEL",
    kind: "string",
    help: "fatal, error, warn, info (default), debug",
  },
];

const here = fileURLToPath(new URL(".", import.meta.url));

/**
 * The one default data directory of every command (serve, user, …): beside the agent
 * package (apps/agent/tessera-data in the repository), wherever the command is run from, so
 * `tessera user add` from the repository root writes where `npm start` reads.
 */
export const DEFAULT_DATA_DIR = resolve(here, "../tessera-data");

export function defaultConfig(): AgentConfig {
  return {
    host: "127.0.0.1",
    port: 7443,
    dataDir: DEFAULT_DATA_DIR,
    machineFile: null,
    discoveryRoot: "/",
    loader: "dry-run",
    dryRunDelays: {},
    dryRunOnlineCpus: null,
    dryRunFaults: [],
    loaderOptions: {},
    webRoot: resolve(here, "../../web/dist"),
    tlsCert: null,
    tlsKey: null,
    allowedOrigins: [],
    kernelDirs: [],
    phaseDeadlines: { ...DEFAULT_PHASE_DEADLINES_MS },
    heartbeatTimeoutMs: 15_000,
    sessionTtlMs: 12 * 3600_000,
    bodyLimit: 1024 * 1024,
    loginRateLimit: 10,
    grubRoot: "/",
    controllerUrl: null,
    logLevel: "info",
    demo: false,
  };
}

export class ConfigError extends Error {}

/** A day: longer is a typo (seconds written as ms twice over), and timers overflow past 2^31 ms. */
const MAX_DEADLINE_MS = 24 * 3600_000;

/** A value from a file is already parsed; from a flag or the environment it is JSON text. */
function fromJson(raw: unknown, bad: (why: string) => Error): unknown {
  if (typeof raw !== "string") return raw;
  try {
    return JSON.parse(raw);
  } catch {
    throw bad("expected JSON");
  }
}

function convert(spec: OptionSpec, raw: unknown, where: string): unknown {
  const bad = (what: string) => new ConfigError(`${where}: ${what}`);
  switch (spec.kind) {
    case "string":
      if (typeof raw !== "string" || raw === "") throw bad("expected a non-empty string");
      return raw;
    case "bool":
      if (raw === true || raw === "1" || raw === "true") return true;
      if (raw === false || raw === "0" || raw === "false") return false;
      throw bad(`expected true or false (1 or 0), found ${JSON.stringify(raw)}`);
    case "nullable":
      if (raw === null || raw === "") return null;
      if (typeof raw !== "string") throw bad("expected a string");
      return raw;
    case "int": {
      const n =
        typeof raw === "number"
          ? raw
          : typeof raw === "string" && /^\d+$/.test(raw)
            ? Number(raw)
            : NaN;
      if (!Number.isSafeInteger(n) || n < 0)
        throw bad(`expected a whole number, found ${JSON.stringify(raw)}`);
      return n;
    }
    case "list": {
      const items = Array.isArray(raw)
        ? raw
        : typeof raw === "string"
          ? raw
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean)
          : null;
      if (!items) throw bad("expected a list");
      if (spec.key === "dryRunOnlineCpus") {
        const ids = items.map(Number);
        if (ids.some((n) => !Number.isSafeInteger(n) || n < 0))
          throw bad("expected LAPIC IDs (whole numbers)");
        return ids;
      }
      return items.map(String);
    }
    case "object": {
      const v = fromJson(raw, bad);
      if (typeof v !== "object" || v === null || Array.isArray(v))
        throw bad("expected a JSON object");
      if ("kind" in v) throw bad('"kind" is set by --loader');
      return v;
    }
    case "faults": {
      const v = fromJson(raw, bad);
      if (!Array.isArray(v)) throw bad("expected a JSON array of faults");
      const phases: readonly string[] = BOOT_PHASES;
      v.forEach((f: unknown, i) => {
        const o = f as Record<string, unknown>;
        if (typeof o !== "object" || o === null) throw bad(`[${i}]: expected an object`);
        if (!phases.includes(o.at as string)) throw bad(`[${i}].at: one of ${phases.join(", ")}`);
        if (!["fail", "hang", "crash-while-running"].includes(o.kind as string))
          throw bad(`[${i}].kind: fail, hang or crash-while-running`);
        if (o.instance !== undefined && typeof o.instance !== "string")
          throw bad(`[${i}].instance: a name`);
      });
      return v;
    }
    case "deadlines": {
      const v = fromJson(raw, bad);
      if (typeof v !== "object" || v === null || Array.isArray(v))
        throw bad('expected a JSON object of phase: ms, e.g. {"kernel-booting":90000}');
      const phases: readonly string[] = DEADLINED_PHASES;
      const out: PhaseDeadlines = { ...DEFAULT_PHASE_DEADLINES_MS };
      for (const [k, n] of Object.entries(v)) {
        if (!phases.includes(k))
          throw bad(`${k}: not a phase with a deadline (one of ${phases.join(", ")})`);
        if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0 || n > MAX_DEADLINE_MS)
          throw bad(
            `${k}: expected whole milliseconds from 0 (no deadline) to ${MAX_DEADLINE_MS}, found ${JSON.stringify(n)}`,
          );
        out[k as keyof PhaseDeadlines] = n;
      }
      return out;
    }
    case "json": {
      const v = fromJson(raw, bad);
      if (typeof v !== "object" || v === null || Array.isArray(v))
        throw bad("expected a JSON object");
      for (const [k, n] of Object.entries(v))
        if (typeof n !== "number" || n < 0) throw bad(`${k}: expected milliseconds`);
      return v;
    }
  }
}

export interface ConfigSources {
  file?: string | null;
  env?: Record<string, string | undefined>;
  /** Flag values by flag name (without --); repeated flags as arrays. */
  flags?: Record<string, string | string[]>;
  cwd?: string;
}

export async function loadConfig(src: ConfigSources = {}): Promise<AgentConfig> {
  const cwd = src.cwd ?? process.cwd();
  const cfg = defaultConfig() as unknown as Record<string, unknown>;
  const byKey = new Map(OPTIONS.map((o) => [o.key as string, o]));
  const file = src.file ?? src.flags?.config ?? src.env?.TESSERA_CONFIG;
  if (typeof file === "string" && file) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(resolve(cwd, file), "utf8"));
    } catch (err) {
      throw new ConfigError(
        `${file}: ${err instanceof SyntaxError ? "not valid JSON" : "cannot be read"}`,
      );
    }
    if (typeof json !== "object" || json === null)
      throw new ConfigError(`${file}: expected a JSON object`);
    for (const [k, v] of Object.entries(json)) {
      const spec = byKey.get(k);
      if (!spec) throw new ConfigError(`${file}: unknown option ${JSON.stringify(k)}`);
      cfg[k] = convert(spec, v, `${file}: ${k}`);
    }
  }
  for (const spec of OPTIONS) {
    const v = src.env?.[spec.env];
    if (v !== undefined && v !== "") cfg[spec.key] = convert(spec, v, `environment ${spec.env}`);
  }
  for (const spec of OPTIONS) {
    const v = src.flags?.[spec.flag];
    if (v === undefined) continue;
    cfg[spec.key] = convert(
      spec,
      Array.isArray(v) && spec.kind !== "list" ? v[v.length - 1] : v,
      `--${spec.flag}`,
    );
  }
  const out = cfg as unknown as AgentConfig;
  if (!["dry-run", "direct", "mint", "multikernel"].includes(out.loader)) {
    throw new ConfigError(
      `loader: ${JSON.stringify(out.loader)} is not one of dry-run, direct, mint, multikernel`,
    );
  }
  if (out.demo && out.loader !== "dry-run")
    throw new ConfigError(
      `--demo needs the dry-run loader, not ${out.loader}: the demo's stand-in kernel is a boot header with no kernel behind it, and a real loader refuses it`,
    );
  if (Boolean(out.tlsCert) !== Boolean(out.tlsKey))
    throw new ConfigError("TLS needs both --tls-cert and --tls-key");
  out.dataDir = resolve(cwd, out.dataDir);
  if (out.machineFile) out.machineFile = resolve(cwd, out.machineFile);
  out.kernelDirs = out.kernelDirs.map((d) => resolve(cwd, d));
  return out;
}

export function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost" || host.startsWith("127.");
}

export function dataPath(cfg: AgentConfig, name: string): string {
  return join(cfg.dataDir, name);
}
