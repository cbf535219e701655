// The bodies of the agent's REST API (apps/agent/API.md) that are not core's model itself:
// profile records and summaries, users and sessions, the audit filter, the validate and
// plan answers. The agent's route schemas are checked against these types (its type
// provider derives the route types from the schemas, and the handlers return these), and
// the console reads them.
//
// Object shapes here are `type` aliases, not interfaces: the route types derived from a
// schema with open objects (`additionalProperties: true`) carry an index signature, and only
// a type alias is assignable to one.
import type {
  BootPlan,
  Diagnostic,
  LegacyDevice,
  Machine,
  PciDevice,
  Profile,
  Range,
} from "../model";
import type { LogStream } from "./events";
import type { InstanceView, PhaseDeadlines } from "./instances";

/**
 * A model value in its JSON form, as the codec writes it: every bigint becomes a hex string.
 * The profile, plan and diagnostics on the wire are exactly this of the model types.
 */
export type JsonForm<T> = T extends bigint
  ? string
  : T extends readonly (infer E)[]
    ? JsonForm<E>[]
    : T extends object
      ? { [K in keyof T]: JsonForm<T[K]> }
      : T;

export type RangeJson = JsonForm<Range>;
export type ProfileJson = JsonForm<Profile>;
export type DiagnosticJson = JsonForm<Diagnostic>;
export type PlanJson = JsonForm<BootPlan>;

type HexOf<V> = V extends number ? string : V;
/** `T` with its number fields `K` written as hex strings, as the codec writes PCI ids. */
type WithHex<T, K extends PropertyKey> = { [P in keyof T]: P extends K ? HexOf<T[P]> : T[P] };
export type PciDeviceJson = WithHex<
  JsonForm<PciDevice>,
  "vendor" | "device" | "class" | "subsystemVendor" | "subsystemDevice"
>;
export type LegacyDeviceJson = WithHex<JsonForm<LegacyDevice>, "ioPort">;
/** `tessera/machine@1` as machineToJson writes it. */
export type MachineJson = Omit<JsonForm<Machine>, "devices"> & {
  devices: (PciDeviceJson | LegacyDeviceJson)[];
};

// ---------------------------------------------------------------- users and sessions

/** Console roles, weakest first: each may do what the ones before it may. */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Whether `role` may do what `needed` may. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** A console user as GET /api/users lists it (never a password hash). */
export type UserView = {
  name: string;
  role: Role;
  /** ISO time. */
  createdAt: string;
  /** Their password was set by someone else: they choose their own at their next sign-in. */
  mustChangePassword?: boolean;
};

/** POST and GET /api/session: who is signed in, and the token for state-changing requests. */
export type SessionInfo = {
  user: { name: string; role: Role };
  csrfToken: string;
  /**
   * The password was set by someone else (the agent's printed one-time password, an admin's
   * reset): until the user chooses their own (POST /api/session/password), every other
   * request is refused with 403 PASSWORD-CHANGE-REQUIRED.
   */
  mustChangePassword: boolean;
};

/** POST /api/session/password: the user replaces their own password. */
export type PasswordChange = {
  currentPassword: string;
  newPassword: string;
};

// ---------------------------------------------------------------- profiles

/** A stored profile in the list (GET /api/profiles), without its body. */
export type ProfileSummary = {
  id: string;
  name: string;
  version: number;
  /** ISO time of the current version. */
  updatedAt: string;
  updatedBy: string;
  active: boolean;
  /** The profile names a machine fingerprint other than this machine's. */
  fingerprintMismatch: boolean;
};

/** A stored profile with its body (GET /api/profiles/:id and every write). */
export type ProfileRecord = ProfileSummary & {
  profile: ProfileJson;
};

/** One version in a profile's history (GET /api/profiles/:id/versions). */
export type VersionSummary = {
  version: number;
  name: string;
  updatedAt: string;
  updatedBy: string;
};

/** One version with its body (GET /api/profiles/:id/versions/:v). */
export type VersionRecord = VersionSummary & {
  profile: ProfileJson;
};

// ---------------------------------------------------------------- audit

/** GET /api/audit's query: every field narrows the list; times are ISO. */
export type AuditFilter = {
  user?: string;
  instance?: string;
  action?: string;
  from?: string;
  to?: string;
  /** At most this many entries, newest first (1-1000; the agent's default is 200). */
  limit?: number;
};

// ---------------------------------------------------------------- validate and plan

/** POST /api/validate. */
export type ValidateAnswer = {
  ok: boolean;
  diagnostics: DiagnosticJson[];
  /** Findings beyond the first 1000 (errors come first) that the answer leaves out. */
  omitted?: number;
};

/**
 * The commands a loader would run for one successor, in order: argument arrays, never shell
 * strings. `load` is null (and `problem` says why) when the plan lacks what loading needs,
 * such as a kernel path.
 */
export type LoaderCommands = {
  name: string;
  load: string[][] | null;
  start: string[][];
  problem: string | null;
  /** The direct loader only: what it writes where itself (it runs no command to load). */
  direct?: DirectCommandsJson;
};

/**
 * The direct loader's own steps for one successor: the pages it writes into the reserved
 * range through /dev/mem, the MP table it writes when the successor starts, and the same
 * in sentences, in the order things happen.
 */
export type DirectCommandsJson = {
  writes: { what: string; address: string; bytes: number; from: string }[];
  mpTable: { pointer: string; config: string; cpus: number[]; bsp: number };
  lines: string[];
};

/**
 * What the commands are: `run`, exactly what the loader runs; `simulated`, the dry-run
 * loader runs nothing and these are the mint commands it stands in for; `template`, values
 * only known while loading (an id the kernel assigns) appear as `<placeholders>`.
 */
export const COMMAND_MODES = ["run", "simulated", "template"] as const;
export type CommandMode = (typeof COMMAND_MODES)[number];

/** A loader's description of how it would boot a plan's successors (Loader.describeCommands). */
export type LoaderCommandPlan = {
  mode: CommandMode;
  commands: LoaderCommands[];
};

/** The formats POST /api/plan can add as `script`. */
export const PLAN_FORMATS = ["json", "sh", "grub"] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

/** POST /api/plan: the plan, the loader that would run it and its own commands. */
export type PlanAnswer = LoaderCommandPlan & {
  plan: PlanJson;
  /** The agent's loader kind ("mint", "multikernel", "dry-run"). */
  loader: string;
  /** Format "sh": the loader commands as a script; "grub": OS1's entry. Null: see scriptProblem. */
  script?: string | null;
  scriptProblem?: string;
};

// ---------------------------------------------------------------- instances and settings

/** GET /api/instances: the active profile's instances (`profileId` null when none is active). */
export type InstanceList = {
  profileId: string | null;
  profileVersion: number | null;
  instances: InstanceView[];
};

/** One stored line of an instance's current (or last) run. */
export type RunLogLine = {
  id: number;
  epoch: string;
  seq: number;
  at: string;
  stream: LogStream;
  line: string;
};

/** GET /api/instances/:name/log: the run's lines and the live stream's position when read. */
export type RunLog = {
  name: string;
  epoch: string;
  seq: number;
  lines: RunLogLine[];
  /** Older lines were left out (`limit`). */
  more: boolean;
};

/** GET /api/settings: what the console shows about the agent itself. */
export type AgentSettings = {
  loader: { kind: string };
  dryRun: boolean;
  version: string;
  tls: boolean;
  grub: { found: boolean; target: string };
  /**
   * `tessera serve --demo` (npm start): the stand-in kernel it wrote, a boot header with no
   * kernel behind it, and its label; the console marks every kernel field naming `path`.
   * Null without --demo.
   */
  standInKernel: { path: string; label: string; version: string } | null;
  /** Each start phase's deadline in ms (0: none), as the agent was configured. */
  phaseDeadlines: PhaseDeadlines;
};

// ---------------------------------------------------------------- OS1's boot entry

/**
 * GET /api/os1/boot: what the running OS1 booted with (the defaults of OS1's kernel, initrd
 * and root); null where not found, with a sentence in `problems` for each.
 */
export type Os1BootFacts = {
  cmdline: string | null;
  kernel: string | null;
  initrd: string | null;
  root: string | null;
  problems: { field: "cmdline" | "kernel" | "initrd" | "root"; message: string }[];
};

/** GET /api/os1: OS1's running command line against the active profile's options. */
export type Os1Report = {
  cmdline: string | null;
  expected: string[];
  /** null: nothing to compare (no active profile, errors, /proc/cmdline unreadable). */
  matches: boolean | null;
  differences: { option: string; running: string[]; planned: string[] }[];
  message: string;
};

/** GET /api/grub: the entry the agent would write, against the installed file. */
export type GrubPreview = {
  id: string;
  found: boolean;
  file: string;
  content: string;
  diff: string;
  manual: string | null;
};

/** POST /api/grub/install and /api/grub/boot-once: the argv of every tool run. */
export type GrubInstalled = {
  installed: true;
  file: string;
  backup: string | null;
  commands: string[][];
};
export type GrubBootOnce = { id: string; commands: string[][] };

// ---------------------------------------------------------------- errors

/**
 * What every error response carries (apps/agent/ERRORS.md lists the codes). Diagnostics are
 * in their wire form; `current` is the resource as it is now (a 409's InstanceView, a stale
 * profile); `errors` lists what a malformed body got wrong, path by path. The agent narrows
 * `C` to its registered codes.
 */
export type ErrorBody<C extends string = string> = {
  error: {
    code: C;
    message: string;
    hint?: string;
    path?: string;
    diagnostics?: DiagnosticJson[];
    current?: unknown;
    errors?: { path: string; message: string }[];
  };
};
