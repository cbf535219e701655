// JSON Schemas of the REST bodies in rest.ts and instances.ts, for the agent's routes: its
// type provider derives each route's request and reply types from them, and a handler that
// answers with rest.ts's types only compiles while the two agree.
//
// Response schemas feed fast-json-stringify, which DROPS a field its schema does not name
// (where additionalProperties is false) and coerces typed ones: every object that may carry
// more than is listed stays `additionalProperties: true`, every nullable field says so.
import { INSTANCE_STATES } from "./instances";
import { diagnosticsJsonSchema, planJsonSchema, profileJsonSchema } from "./json-schema";
import { COMMAND_MODES, PLAN_FORMATS, ROLES } from "./rest";

const nullableString = { type: ["string", "null"] } as const;
const stringArray = { type: "array", items: { type: "string" } } as const;
const commandList = { type: "array", items: stringArray } as const;

// ---------------------------------------------------------------- profiles

/** A `{profile}` body (create, validate). */
export const profileBodySchema = {
  type: "object",
  required: ["profile"],
  additionalProperties: false,
  properties: { profile: profileJsonSchema },
} as const;

const summaryFields = {
  id: { type: "string" },
  name: { type: "string" },
  version: { type: "integer" },
  updatedAt: nullableString,
  updatedBy: nullableString,
  active: { type: "boolean" },
  fingerprintMismatch: { type: "boolean" },
} as const;

/** ProfileSummary: a stored profile in the list, without its body. */
export const profileSummarySchema = {
  type: "object",
  required: ["id", "name", "version"],
  properties: summaryFields,
  additionalProperties: true,
} as const;

/** ProfileRecord: a stored profile with its body. */
export const profileRecordSchema = {
  type: "object",
  required: ["id", "name", "version", "profile"],
  properties: { ...summaryFields, profile: profileJsonSchema },
  additionalProperties: true,
} as const;

/** VersionSummary: one version in a profile's history. */
export const versionSummarySchema = {
  type: "object",
  required: ["version", "name"],
  properties: {
    version: { type: "integer" },
    name: { type: "string" },
    updatedAt: nullableString,
    updatedBy: nullableString,
  },
  additionalProperties: true,
} as const;

/** VersionRecord: one version with its body. */
export const versionRecordSchema = {
  type: "object",
  required: ["version", "profile"],
  properties: { ...versionSummarySchema.properties, profile: profileJsonSchema },
  additionalProperties: true,
} as const;

// ---------------------------------------------------------------- users and sessions

export const roleSchema = { type: "string", enum: [...ROLES] } as const;

/** UserView. */
export const userViewSchema = {
  type: "object",
  required: ["name", "role"],
  properties: {
    name: { type: "string" },
    role: roleSchema,
    createdAt: { type: "string" },
    mustChangePassword: { type: "boolean" },
  },
  additionalProperties: true,
} as const;

/** SessionInfo. */
export const sessionInfoSchema = {
  type: "object",
  required: ["user", "csrfToken", "mustChangePassword"],
  properties: {
    user: {
      type: "object",
      required: ["name", "role"],
      properties: { name: { type: "string" }, role: roleSchema },
      additionalProperties: true,
    },
    csrfToken: { type: "string" },
    mustChangePassword: { type: "boolean" },
  },
  additionalProperties: true,
} as const;

/** The rules for a password a person chooses (API.md "Users"): 8 to 1024 characters. */
export const PASSWORD_MIN_LENGTH = 8;
export const passwordSchema = {
  type: "string",
  minLength: PASSWORD_MIN_LENGTH,
  maxLength: 1024,
} as const;

/** PasswordChange. The current password is checked, not shaped: any length is compared. */
export const passwordChangeSchema = {
  type: "object",
  required: ["currentPassword", "newPassword"],
  additionalProperties: false,
  properties: {
    currentPassword: { type: "string", maxLength: 1024 },
    newPassword: passwordSchema,
  },
} as const;

// ---------------------------------------------------------------- audit

/** AuditEntry. */
export const auditEntrySchema = {
  type: "object",
  required: ["id", "at", "user", "action", "result"],
  properties: {
    id: { type: "integer" },
    at: { type: "string" },
    user: { type: "string" },
    action: { type: "string" },
    target: nullableString,
    instance: nullableString,
    profileId: nullableString,
    result: { type: "string" },
    detail: nullableString,
  },
  additionalProperties: true,
} as const;

/**
 * AuditFilter, as GET /api/audit's query string: no type coercion anywhere in the agent, so
 * `limit` arrives as text, decimal digits (1-1000, checked by the route).
 */
export const auditFilterSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    user: { type: "string" },
    instance: { type: "string" },
    action: { type: "string" },
    from: { type: "string", format: "date-time" },
    to: { type: "string", format: "date-time" },
    limit: { type: "string", pattern: "^(0|[1-9][0-9]{0,8})$" },
  },
} as const;

// ---------------------------------------------------------------- validate and plan

/** ValidateAnswer. */
export const validateAnswerSchema = {
  type: "object",
  required: ["ok", "diagnostics"],
  properties: {
    ok: { type: "boolean" },
    diagnostics: diagnosticsJsonSchema,
    // Findings beyond the first 1000 (errors come first) that the answer leaves out.
    omitted: { type: "integer" },
  },
  additionalProperties: true,
} as const;

/** POST /api/plan's body: a profile, and the format of an optional script. */
export const planBodySchema = {
  type: "object",
  required: ["profile"],
  additionalProperties: false,
  properties: {
    profile: profileJsonSchema,
    format: { type: "string", enum: [...PLAN_FORMATS] },
  },
} as const;

/** DirectCommandsJson. */
export const directCommandsSchema = {
  type: "object",
  required: ["writes", "mpTable", "lines"],
  additionalProperties: false,
  properties: {
    writes: {
      type: "array",
      items: {
        type: "object",
        required: ["what", "address", "bytes", "from"],
        additionalProperties: false,
        properties: {
          what: { type: "string" },
          address: { type: "string" },
          bytes: { type: "integer" },
          from: { type: "string" },
        },
      },
    },
    mpTable: {
      type: "object",
      required: ["pointer", "config", "cpus", "bsp"],
      additionalProperties: false,
      properties: {
        pointer: { type: "string" },
        config: { type: "string" },
        cpus: { type: "array", items: { type: "integer" } },
        bsp: { type: "integer" },
      },
    },
    lines: { type: "array", items: { type: "string" } },
  },
} as const;

/** LoaderCommands. */
export const loaderCommandsSchema = {
  type: "object",
  required: ["name", "load", "start", "problem"],
  properties: {
    name: { type: "string" },
    load: { anyOf: [commandList, { type: "null" }] },
    start: commandList,
    problem: nullableString,
    direct: directCommandsSchema,
  },
  additionalProperties: true,
} as const;

/** PlanAnswer. */
export const planAnswerSchema = {
  type: "object",
  required: ["plan", "loader", "mode", "commands"],
  properties: {
    plan: planJsonSchema,
    loader: { type: "string" },
    mode: { type: "string", enum: [...COMMAND_MODES] },
    commands: { type: "array", items: loaderCommandsSchema },
    script: nullableString,
    scriptProblem: { type: "string" },
  },
  additionalProperties: true,
} as const;

// ---------------------------------------------------------------- instances

/** InstanceView: closed, so that a client gets exactly the fields it documents. */
export const instanceViewSchema = {
  type: "object",
  additionalProperties: false,
  required: [
    "name",
    "index",
    "role",
    "state",
    "reason",
    "since",
    "phase",
    "cpus",
    "locked",
    "lastHeartbeat",
    "profileVersion",
    "phases",
    "deadline",
  ],
  properties: {
    name: { type: "string" },
    index: { type: "integer" },
    role: { type: "string", enum: ["os1", "successor"] },
    state: { type: "string", enum: [...INSTANCE_STATES] },
    reason: nullableString,
    since: nullableString,
    phase: nullableString,
    cpus: { type: "array", items: { type: "integer" } },
    locked: { type: "boolean" },
    lastHeartbeat: nullableString,
    profileVersion: { type: ["integer", "null"] },
    phases: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["phase", "at"],
        properties: { phase: { type: "string" }, at: { type: "string" } },
      },
    },
    deadline: {
      type: ["object", "null"],
      additionalProperties: false,
      required: ["phase", "ms", "since", "overdue"],
      properties: {
        phase: { type: "string" },
        ms: { type: "integer" },
        since: { type: "string" },
        overdue: { type: "boolean" },
      },
    },
  },
} as const;
