// @tessera/kexec: kernel images and loaders. The only package that spawns processes.
export type {
  LoaderKind,
  BootPhase,
  LoaderEvent,
  LoaderError,
  StepOptions,
  LoaderInstanceState,
  LoaderStatus,
  Loader,
  LoaderConfig,
  MintConfig,
  MultikernelConfig,
  DryRunConfig,
  DirectConfig,
  FaultSpec,
  GuestEvent,
} from "./types";
export { BOOT_PHASES } from "./types";
export { LOADER_ERRORS, LoaderFailure } from "./errors";
export type { LoaderErrorCode } from "./errors";
export { collect, DEFAULT_TIMEOUT_MS } from "./event-stream";
export {
  inspectKernelBytes,
  inspectKernelFile,
  kernelFacts,
  readKernelFacts,
  standInBzImage,
  MIN_PROTOCOL,
  XLF,
} from "./bzimage";
export {
  STAND_IN_KERNEL_LABEL,
  STAND_IN_KERNEL_VERSION,
  isStandInKernel,
  standInKernel,
} from "./stand-in-kernel";
export type {
  BzImageHeader,
  KernelInspection,
  KernelProblem,
  KernelProblemCode,
  ReadKernelResult,
} from "./bzimage";
export {
  DEFAULT_MINT_CONFIG,
  mintLoadArgv,
  mintStartArgv,
  mintUnloadArgv,
  mintStopArgv,
  memmapValue,
  stockKexecArgv,
  planToShell,
  planToStockKexecShell,
  mintCommands,
  commandsToShell,
  PlanArgvError,
} from "./argv";
export { createMintLoader, kexecLoaded } from "./mint-loader";
export { createMultikernelLoader, KERF_ADAPTERS, mapKerfFailure } from "./multikernel-loader";
export type { KerfAdapter } from "./multikernel-loader";
export { createDryRunLoader, DEFAULT_DRY_RUN_DELAYS } from "./dry-run-loader";
export type { DryRunLoader } from "./dry-run-loader";
export { createLoader } from "./create-loader";
export { runCommand } from "./run-command";
export type { CommandOutcome, CommandOptions } from "./run-command";
export { createDirectLoader } from "./direct/direct-loader";
export type { DirectLoader } from "./direct/direct-loader";
export { isDirectPlan } from "./direct/plan-shape";
export type { DirectPlan, DirectSuccessorPlan } from "./direct/plan-shape";
export { directGuestScript } from "./direct/guest-script";
export type { GuestScriptOptions } from "./direct/guest-script";
export { MAILBOX, MAILBOX_MAGIC, MAILBOX_VERSION, GUEST_STATE } from "./direct/mailbox";
export { buildDirectImages } from "./direct/images";
export type { DirectImages, DirectWrite } from "./direct/images";
export { startSequence, parkSequence } from "./direct/ipi";
export type { IpiStep } from "./direct/ipi";
export { buildApicHelper, HELPER_SOURCE } from "./direct/apic";
export { describeDirect } from "./direct/describe";
export type { DirectDescription } from "./direct/describe";
export { planToDirectShell, DirectShellError } from "./direct/direct-shell";
export { readDirectImages, describeDirectFromFiles } from "./direct/image-files";
export { describeDirectCommands, HELPER_PLACEHOLDER } from "./direct/describe-commands";
export type { DirectDescribeOptions } from "./direct/describe-commands";
export { loaderScript } from "./loader-script";
export type { ScriptResult } from "./loader-script";
