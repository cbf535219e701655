// The loader contract: what packages/kexec exports and the agent consumes. Every step is an
// async stream of typed events that ends with exactly one `result`.
import type { BootPhase, BootPlan, LoaderCommandPlan, Machine, SuccessorPlan } from "@tessera/core";

export type LoaderKind = "mint" | "multikernel" | "dry-run" | "direct";

// The phases are core's (the agent and the console share them on the wire).
export { BOOT_PHASES } from "@tessera/core";
export type { BootPhase } from "@tessera/core";

export interface LoaderError {
  /** One of LOADER_ERRORS' keys (see errors.ts and README.md). */
  code: string;
  /** Operator words, never raw stderr. */
  message: string;
  phase?: string;
}

export type LoaderEvent =
  | { type: "phase"; phase: BootPhase | "stopping" | "stopped"; at: number }
  | { type: "log"; stream: "stdout" | "stderr" | "loader"; line: string; at: number }
  | { type: "result"; ok: true; at: number }
  | { type: "result"; ok: false; error: LoaderError; at: number };

export interface StepOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export type LoaderInstanceState =
  "absent" | "loaded" | "starting" | "running" | "stopping" | "stopped" | "failed" | "unknown";

export interface LoaderStatus {
  name: string;
  state: LoaderInstanceState;
  phase?: string;
  detail?: string;
}

export interface Loader {
  readonly kind: LoaderKind;
  /** Loads are serialized inside the loader. */
  load(plan: SuccessorPlan, opts?: StepOptions): AsyncIterable<LoaderEvent>;
  /** Ends at "running" (dry-run) or right after the IPI (real loaders). */
  start(name: string, opts?: StepOptions): AsyncIterable<LoaderEvent>;
  stop(name: string, opts?: StepOptions): AsyncIterable<LoaderEvent>;
  forceStop(name: string, opts?: StepOptions): AsyncIterable<LoaderEvent>;
  status(name: string): Promise<LoaderStatus>;
  statusAll(): Promise<LoaderStatus[]>;
  /**
   * The commands this loader would run to load and start each successor of `plan`, as
   * argument arrays: what POST /api/plan shows and its script holds. Runs nothing; the
   * direct loader reads each kernel's header (it decides where the pages go), hence a
   * promise.
   */
  describeCommands(plan: BootPlan): Promise<LoaderCommandPlan>;
}

export interface FaultSpec {
  /** Only this instance; every instance when absent. */
  instance?: string;
  at: BootPhase;
  kind: "fail" | "hang" | "crash-while-running";
}

export interface GuestEvent {
  name: string;
  type: "heartbeat" | "boot-complete" | "crashed";
  at: number;
  /** For "crashed": why, in words, when the loader knows. */
  reason?: string;
}

/**
 * Option names and binary of a site's Mint-style kexec. Every field has a default (see
 * DEFAULT_MINT_CONFIG and README.md "The mint argv contract").
 */
export interface MintConfig {
  binary?: string;
  /** The option that loads (stock kexec-tools: -l). */
  loadOption?: string;
  /** The option that starts the loaded image by sending the INIT/SIPI IPI. */
  startOption?: string;
  /** The option that unloads a loaded, not started image (stock: -u). */
  unloadOption?: string;
  initrdOption?: string;
  memMinOption?: string;
  memMaxOption?: string;
  appendOption?: string;
  /** The successor's BSP, by local APIC ID. */
  apicIdOption?: string;
  /** One per successor e820 entry: START,SIZE,TYPE in hex. */
  memmapOption?: string;
  /** Options as `--opt=value` (true, the default) or as two arguments `--opt value`. */
  joinValues?: boolean;
  /** A site's stop step, if its build has one: argv after the binary; {apic} is replaced. */
  stopArgs?: string[];
  forceStopArgs?: string[];
  /** Where the kernel says whether an image is loaded (1/0). */
  kexecLoadedPath?: string;
}

export type LoaderConfig =
  | ({ kind: "mint" } & MintConfig & { env?: Record<string, string> })
  | MultikernelConfig
  | DryRunConfig
  | DirectConfig;

export interface MultikernelConfig {
  kind: "multikernel";
  /** Path to kerf (default "kerf", looked up in PATH). */
  binary?: string;
  /** Adapter revision of kerf's argv; see multikernel-loader.ts. */
  version?: "v1";
  /** Root of the multikernel sysfs tree (default /sys/fs/multikernel). */
  sysfsRoot?: string;
  env?: Record<string, string>;
}

export interface DryRunConfig {
  kind: "dry-run";
  machine: Machine;
  /** LAPIC IDs online in OS1. Default: the machine's cpus marked online. */
  onlineCpus?: number[];
  delays?: Partial<Record<BootPhase, number>>;
  faults?: FaultSpec[];
  /** A JSON file so the simulated machine's state survives an agent restart. */
  statePath?: string;
  /** Milliseconds between simulated guest heartbeats (default 1000). */
  heartbeatMs?: number;
  /** Milliseconds a crash-while-running fault waits after "running" (default 200). */
  crashAfterMs?: number;
  onGuestEvent?: (e: GuestEvent) => void;
}

/**
 * The direct loader (stock kernels, /dev/mem and INIT-SIPI-SIPI). Every field is plain JSON
 * so an operator can pass them as --loader-options; every path has a default on a real OS1
 * and is configurable so tests run on a temp tree. See README.md "The direct loader".
 */
export interface DirectConfig {
  kind: "direct";
  /** Physical memory device (default /dev/mem). */
  devMem?: string;
  /** Where /proc is (default /proc): cmdline, iomem, cpuinfo. */
  procRoot?: string;
  /** Where /sys is (default /sys): cpu online files. */
  sysRoot?: string;
  /** The msr driver's directory (default /dev/cpu): <msrDir>/0/msr. */
  msrDir?: string;
  /** "auto" (default) reads IA32_APIC_BASE; "xapic"/"x2apic" skip the check. */
  apicMode?: "auto" | "xapic" | "x2apic";
  /** A built helper to use instead of building native/tessera-apic.c. */
  apicHelper?: string;
  /** Where the helper is built (default: the repository's .cache/native). */
  helperCacheDir?: string;
  /** The C compiler (default "cc"). */
  cc?: string;
  /** A JSON file so an agent restart knows what was loaded and running. */
  statePath?: string;
  /** Milliseconds between mailbox polls (default 250). */
  pollMs?: number;
  /** How long stop waits for the guest's acknowledgement (default 30000 ms). */
  stopTimeoutMs?: number;
  /** How long start waits for an earlier successor to pass early boot (default 90000 ms). */
  earlyBootTimeoutMs?: number;
  /** Free memory the range must keep above the initrd, in MiB (default 32). */
  marginMiB?: number;
  onGuestEvent?: (e: GuestEvent) => void;
}
