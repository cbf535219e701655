// The Tessera model, as the program holds it. Addresses and sizes are bigint so that
// physical addresses above 2^53 keep every bit; the JSON form (see codec.ts and SPEC.md)
// carries them as strings.

import type { DiagnosticCode, Severity } from "./codes";

export const MACHINE_SCHEMA = "tessera/machine@1";
export const PROFILE_SCHEMA = "tessera/profile@1";
export const PLAN_SCHEMA = "tessera/plan@1";

export const E820_TYPES = [
  "usable",
  "reserved",
  "acpi",
  "nvs",
  "unusable",
  "pmem",
  "unknown",
] as const;
export type E820Type = (typeof E820_TYPES)[number];

export const CORE_TYPES = ["performance", "efficiency"] as const;
export type CoreType = (typeof CORE_TYPES)[number];

export interface Cpu {
  /** Local APIC ID: the identity Tessera uses for a core. */
  apicId: number;
  /** Linux logical CPU number in the host (OS1) namespace. */
  cpu: number;
  /** Physical package (socket). */
  package: number;
  /** Die within the package, where the kernel reports one. */
  die?: number | null;
  /** Physical core id within the package (SMT siblings share it). */
  core: number;
  /** NUMA node, null when unknown. */
  node: number | null;
  /** LAPIC IDs of the SMT siblings of this core, itself included. */
  siblings: number[];
  /** Online in OS1 right now (or at capture time). */
  online: boolean;
  /** Hybrid parts only: P-core or E-core; null where the kernel does not say. */
  coreType: CoreType | null;
}

export interface MemoryRegion {
  start: bigint;
  size: bigint;
  type: E820Type;
  /** NUMA node of a usable range, where discovery could tell. */
  node?: number | null;
}

export interface Range {
  start: bigint;
  size: bigint;
}

export type PciPin = "A" | "B" | "C" | "D";

export interface PciIrq {
  /**
   * The device has an MSI capability (0x05); null when it cannot be told (config space read
   * without root stops at the 64-byte header, before the capability list).
   */
  msi: boolean | null;
  /** The device has an MSI-X capability (0x11); null when it cannot be told, as for msi. */
  msix: boolean | null;
  /** Legacy INTx pin, null when the device has none. */
  pin: PciPin | null;
  /** The I/O APIC line (GSI) its INTx pin is routed to, null when unknown or none. */
  line: number | null;
}

export interface PciBar {
  index: number;
  start: bigint;
  size: bigint;
  kind: "mem" | "io";
  prefetchable?: boolean;
}

export interface PciDevice {
  /** Domain:bus:device.function, e.g. 0000:00:1f.2. */
  id: string;
  bus: "pci";
  vendor: number;
  device: number;
  /** 24-bit class code (class, subclass, prog-if). */
  class: number;
  subsystemVendor?: number | null;
  subsystemDevice?: number | null;
  vendorName?: string | null;
  deviceName?: string | null;
  className?: string | null;
  driver: string | null;
  irq: PciIrq;
  iommuGroup: number | null;
  node: number | null;
  bars?: PciBar[];
  /** Capability IDs found in config space, e.g. ["pcie", "msi", "msix", "pm"]. */
  capabilities?: string[];
  /** The firmware's boot VGA device. */
  bootVga?: boolean;
}

export const LEGACY_KINDS = ["serial", "ps2-keyboard", "ps2-mouse", "vga"] as const;
export type LegacyKind = (typeof LEGACY_KINDS)[number];

export interface LegacyDevice {
  /** serial@0x3f8, serial@0x2f8, serial@0x3e8, serial@0x2e8, ps2-keyboard, ps2-mouse, vga. */
  id: string;
  bus: "legacy";
  kind: LegacyKind;
  /** First I/O port (serial: its base). */
  ioPort?: number | null;
  /** I/O APIC line (ISA IRQ), null when unknown. */
  irq: number | null;
  name?: string | null;
}

export type Device = PciDevice | LegacyDevice;

export interface MachineIdentity {
  hostname?: string | null;
  vendor?: string | null;
  product?: string | null;
  kernel?: string | null;
  /** Stable hash of the hardware (cores, memory map, devices); see fingerprint.ts. */
  fingerprint?: string | null;
}

export type DiscoveryProblem = {
  path: string;
  message: string;
};

export interface DiscoveryInfo {
  /** Where the memory map came from: "firmware-memmap", "iomem", "dmesg-e820", "unknown". */
  memorySource?: string | null;
  /** Where the machine came from: "live", "capture", "import". */
  source?: string | null;
  problems?: DiscoveryProblem[];
  /** Facts that could not be known, in words ("interrupt lines: no /proc/interrupts given"). */
  unknown?: string[];
}

/** Platform facts the direct loader depends on; null where discovery could not tell. */
export interface Platform {
  /** OS1's TSC frequency in kHz, from its kernel log ("tsc: Detected 2300.000 MHz processor"). */
  tscKhz: number | null;
  /** The CPUs have x2APIC (the cpuinfo flag x2apic). */
  x2apic: boolean | null;
}

export interface Machine {
  schema: typeof MACHINE_SCHEMA;
  identity?: MachineIdentity;
  cpus: Cpu[];
  memoryMap: MemoryRegion[];
  devices: Device[];
  discovery?: DiscoveryInfo;
  platform?: Platform;
}

export interface Instance {
  name: string;
  /** LAPIC IDs. */
  cpus: number[];
  memory: Range[];
  lowMemory?: Range;
  devices: string[];
  /**
   * The kernel and initrd paths. OS1's are the paths GRUB loads; absent, its GRUB entry
   * takes the running OS1's (BOOT_IMAGE= and /boot/initrd.img-<version>, PlanOptions).
   */
  kernel?: string;
  initrd?: string;
  /**
   * OS1 only: the kernel's root= value (UUID=…, /dev/sda2). Absent: the running OS1's
   * root= (PlanOptions.os1Root), or root= in its command line when that has one.
   */
  root?: string;
  cmdline?: string;
}

/**
 * Every field of an instance, in the order people read them: the codec's accepted keys, the
 * incremental check's known fields, the console's history diff and three-way merge. A field
 * added to Instance and not here fails to compile (below), so none of them can miss it.
 */
export const INSTANCE_FIELDS = [
  "name",
  "cpus",
  "memory",
  "lowMemory",
  "devices",
  "kernel",
  "initrd",
  "root",
  "cmdline",
] as const satisfies readonly (keyof Instance)[];
export type InstanceField = (typeof INSTANCE_FIELDS)[number];
/** Compiles only while INSTANCE_FIELDS names every key of Instance. */
export const INSTANCE_FIELDS_COMPLETE: Exclude<keyof Instance, InstanceField> extends never
  ? true
  : never = true;

export interface Profile {
  schema: typeof PROFILE_SCHEMA;
  name: string;
  /** The fingerprint of the machine the profile was made for, when known. */
  machineFingerprint?: string;
  instances: Instance[];
}

export type { Severity };

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  /** JSON path into the profile (instances[1].cpus[0]) or the machine. */
  path: string;
  /** Name of the instance concerned, null for the profile as a whole. */
  instance: string | null;
  message: string;
  hint: string;
  /** What the finding is about, for the UI to mark: LAPIC IDs, device ids, ranges. */
  subject?: DiagnosticSubject;
}

export interface DiagnosticSubject {
  cpus?: number[];
  devices?: string[];
  ranges?: Range[];
}

/** Boot-protocol facts of a kernel image (from packages/kexec's bzImage reader). */
export interface KernelFacts {
  initSize: bigint;
  kernelAlignment: bigint;
  cmdlineSize: number;
  relocatable: boolean;
  /** Boot protocol version as major*256+minor (0x020f = 2.15). */
  protocol: number;
}

/** What only the agent knows: live state and file facts. All optional. */
export interface Facts {
  /** LAPIC IDs online in OS1 right now. */
  onlineCpus?: number[];
  /** Header facts per kernel path. */
  kernels?: Record<string, KernelFacts>;
  /** Sizes in bytes per file path (initrds). */
  fileSizes?: Record<string, bigint>;
  /** Why a kernel path cannot boot a successor, per path (from the image header). */
  kernelProblems?: Record<string, string>;
  /** Kernel or initrd paths that do not exist or cannot be read. */
  missingFiles?: string[];
  /** OS1's running command line (/proc/cmdline): where its console is. */
  os1Cmdline?: string;
  /**
   * Kernel or initrd paths outside the directories the agent reads such files from; the
   * agent did not look at them, so nothing about them is known.
   */
  deniedFiles?: string[];
  /** Those directories, for the hint. */
  fileDirs?: string[];
}

/** The loader the plan is made for. Absent: the stock/mint options. */
export const PLAN_LOADERS = ["mint", "multikernel", "dry-run", "direct"] as const;
export type PlanLoader = (typeof PLAN_LOADERS)[number];

export interface PlanOptions {
  /** The loader that will start the successors; "direct" changes OS1's and the successors' options. */
  loader?: PlanLoader;
  /** The kernel option carrying an instance's device ids. */
  ownershipOption?: string;
  /** Title of OS1's GRUB entry. */
  grubTitle?: string;
  /**
   * OS1's kernel, initrd and root= for its GRUB entry where the profile leaves them empty:
   * what the running OS1 booted with (the agent reads them), or the CLI's options.
   */
  os1Kernel?: string;
  os1Initrd?: string;
  os1Root?: string;
}

export interface E820Entry {
  start: bigint;
  size: bigint;
  type: E820Type;
}

export interface Os1Plan {
  name: string;
  cpus: number[];
  maxcpus: number;
  /** OS1's mem= limit: the end (exclusive) of its range. */
  memEnd: bigint;
  /** memmap=SIZE$ADDR reservations inside OS1's range. */
  reservations: Range[];
  devices: string[];
  /** The options Tessera adds to OS1's command line (what the kernel receives). */
  options: string[];
  cmdline: string;
  /** The kernel, initrd and root= the entry boots (the profile's, else the running OS1's). */
  kernel: string | null;
  initrd: string | null;
  root: string | null;
  /**
   * A ready GRUB menuentry ($ escaped); null while OS1's kernel or root is unknown
   * (OS1-BOOT-UNKNOWN says which): never a placeholder path.
   */
  grubEntry: string | null;
}

export interface SuccessorPlan {
  name: string;
  /** 1-based position among all instances (OS1 is 1). */
  index: number;
  bsp: number;
  cpus: number[];
  cpuCount: number;
  /** The loader's --mem-min / --mem-max (inclusive end) for the main range. */
  memMin: bigint;
  memMax: bigint;
  memory: Range[];
  lowMemory: Range;
  /** SIPI vector: the start page number (lowMemory.start >> 12). */
  sipiVector: number;
  e820: E820Entry[];
  devices: string[];
  kernel: string | null;
  initrd: string | null;
  options: string[];
  cmdline: string;
  /** What the direct loader needs besides the above; only in plans made for loader "direct". */
  direct?: DirectSuccessorPlan;
}

export interface DirectSuccessorPlan {
  /** 4 KiB mailbox page: outside every successor's RAM, reserved in OS1 (memmap=4K$). */
  mailbox: bigint;
  /**
   * Where the loader writes the MP floating pointer (the config table follows 16 bytes after
   * it). One place for every successor: 0x380n.
   */
  mpTable: bigint;
  /** The serial port the successor's console uses (one it owns), null when it owns none. */
  console: { port: number; tty: string } | null;
  /** OS1's TSC frequency, handed to the successor as tsc_early_khz. */
  tscKhz: number;
}

export interface BootPlan {
  schema: typeof PLAN_SCHEMA;
  profile: string;
  os1: Os1Plan;
  successors: SuccessorPlan[];
  /** Warnings and info found while validating (a plan is never made with errors). */
  diagnostics: Diagnostic[];
}

export type PlanResult = { ok: true; plan: BootPlan } | { ok: false; diagnostics: Diagnostic[] };
