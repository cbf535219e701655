// @tessera/core: the pure partition model. One entry point; no I/O, no clock.
export {
  MACHINE_SCHEMA,
  PROFILE_SCHEMA,
  PLAN_SCHEMA,
  E820_TYPES,
  CORE_TYPES,
  LEGACY_KINDS,
  PLAN_LOADERS,
  INSTANCE_FIELDS,
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
  InstanceField,
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
export { AUTO_SLICE, MIN_SLICE, OS1_LOW_RESERVE, lowCapacity, sipiVector } from "./low-memory";
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
} from "./wire/json-schema";
export { shQuote, shLine } from "./shell";
export { hardwareDrift } from "./drift";
export { buildLegacyDevices, emptyLegacyFacts } from "./legacy-devices";
export type { LegacyFacts } from "./legacy-devices";
export type { HardwareDrift } from "./drift";
export { conflictsWith, startConflicts, successorOf } from "./conflicts";
export type { Held } from "./conflicts";
// Everything that crosses the wire between the agent and its clients (see wire/README.md).
export {
  BOOT_PHASES,
  DEADLINED_PHASES,
  DEFAULT_PHASE_DEADLINES_MS,
  INSTANCE_STATES,
  LOCKED_STATES,
  phaseOverdueText,
  secondsText,
} from "./wire/instances";
export type {
  BootPhase,
  DeadlinedPhase,
  PhaseDeadlines,
  PhaseDeadline,
  InstanceState,
  PhaseEntry,
  InstanceView,
  AuditEntry,
} from "./wire/instances";
export { WS_PROTOCOL, WS_SUBPROTOCOL, WS_CLOSE, PROFILE_ACTIONS, LOG_STREAMS } from "./wire/events";
export type {
  ProfileAction,
  LogStream,
  InstanceEvent,
  LogEvent,
  PhaseOverdueEvent,
  ProfileEvent,
  MachineEvent,
  LiveEvent,
  Sequenced,
  HeartbeatMessage,
  GuestHeartbeatMessage,
  SnapshotMessage,
  ResumedMessage,
  ErrorMessage,
  ServerMessage,
  ClientMessage,
} from "./wire/events";
export { ROLES, roleAtLeast, PLAN_FORMATS, COMMAND_MODES } from "./wire/rest";
export {
  profileBodySchema,
  profileSummarySchema,
  profileRecordSchema,
  versionSummarySchema,
  versionRecordSchema,
  roleSchema,
  userViewSchema,
  sessionInfoSchema,
  PASSWORD_MIN_LENGTH,
  passwordSchema,
  passwordChangeSchema,
  auditEntrySchema,
  auditFilterSchema,
  validateAnswerSchema,
  planBodySchema,
  loaderCommandsSchema,
  directCommandsSchema,
  planAnswerSchema,
  instanceViewSchema,
} from "./wire/rest-schemas";
export {
  RUN_LOG_KEEP,
  instanceListSchema,
  oneInstanceSchema,
  manyInstancesSchema,
  runLogSchema,
  os1ReportSchema,
  os1BootSchema,
  agentSettingsSchema,
} from "./wire/reply-schemas";
export type {
  JsonForm,
  RangeJson,
  ProfileJson,
  DiagnosticJson,
  PlanJson,
  MachineJson,
  PciDeviceJson,
  LegacyDeviceJson,
  Role,
  UserView,
  SessionInfo,
  PasswordChange,
  ProfileSummary,
  Os1BootFacts,
  Os1Report,
  GrubPreview,
  GrubInstalled,
  GrubBootOnce,
  ProfileRecord,
  VersionSummary,
  VersionRecord,
  AuditFilter,
  ValidateAnswer,
  LoaderCommands,
  DirectCommandsJson,
  CommandMode,
  LoaderCommandPlan,
  PlanFormat,
  PlanAnswer,
  InstanceList,
  RunLogLine,
  RunLog,
  AgentSettings,
  ErrorBody,
} from "./wire/rest";
