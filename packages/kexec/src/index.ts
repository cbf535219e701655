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
