// @tessera/core: the pure partition model. One entry point; no I/O, no clock.
export {
  MACHINE_SCHEMA,
  PROFILE_SCHEMA,
  PLAN_SCHEMA,
  E820_TYPES,
  CORE_TYPES,
  LEGACY_KINDS,
  PLAN_LOADERS,
} from "./model";
export type {
  E820Type,
  CoreType,
  Cpu,
  MemoryRegion,
  Range,
  PciPin,
  PciIrq,
  PciBar,
  PciDevice,
  LegacyKind,
  LegacyDevice,
  Device,
  MachineIdentity,
  DiscoveryProblem,
  DiscoveryInfo,
  Machine,
  Platform,
  Instance,
  Profile,
  Severity,
  Diagnostic,
  DiagnosticSubject,
  KernelFacts,
  Facts,
  PlanOptions,
  PlanLoader,
  DirectSuccessorPlan,
  E820Entry,
  Os1Plan,
  SuccessorPlan,
  BootPlan,
  PlanResult,
} from "./model";
export {
  KiB,
  MiB,
  GiB,
  TiB,
  PAGE,
  U64_MAX,
  parseQuantity,
  q,
  hex,
  humanSize,
  kernelSize,
  alignUp,
  alignDown,
  rangeEnd,
  overlaps,
} from "./units";
export type { QuantityResult } from "./units";
export {
  parseMachine,
  parseProfile,
  machineToJson,
  profileToJson,
  planToJson,
  diagnosticsToJson,
  toJsonValue,
  rangeToJson,
  formatParseErrors,
} from "./codec";
export type { ParseError, ParseResult } from "./codec";
export { fingerprint, canonicalHardware } from "./fingerprint";
export { validate, hasErrors, RULES } from "./validate";
export type { Aspect, Rule } from "./validate";
export { createChecker } from "./incremental";
export type { Checker, CheckResult } from "./incremental";
export { plan } from "./plan";
export { DIAGNOSTIC_CODES, severityOf } from "./codes";
export type { DiagnosticCode, CodeInfo } from "./codes";
export { nextFreeCpuRun, largestFreeRange, hostLayout } from "./suggest";
export { diffProfiles } from "./diff";
export type { ProfileChange } from "./diff";
export {
  splitCmdline,
  reservedIn,
  joinCmdline,
  grubQuote,
  grubWords,
  controlCharIn,
  RESERVED_OPTIONS,
  DEFAULT_CMDLINE_SIZE,
  DEFAULT_OWNERSHIP_OPTION,
} from "./cmdline";
export { AUTO_SLICE, MIN_SLICE, OS1_LOW_RESERVE, lowCapacity } from "./low-memory";
export { formatCpuList, LOW_MEMORY_END } from "./machine-index";
export {
  HEX_PATTERN,
  QUANTITY_PATTERN,
  rangeJsonSchema,
  machineJsonSchema,
  profileJsonSchema,
  diagnosticJsonSchema,
  diagnosticsJsonSchema,
  planJsonSchema,
} from "./json-schema";
export { BOOT_PHASES, INSTANCE_STATES } from "./protocol";
export type { BootPhase, InstanceState, PhaseEntry, InstanceView, AuditEntry } from "./protocol";
