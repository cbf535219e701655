// The one error registry of the agent. Every error a client can see has a code here, an
// HTTP status and a default sentence; ERRORS.md documents the same list and a test keeps
// the two in step. Routes throw `new AgentError(code, …)`; the central error handler turns
// it (and Fastify's own errors) into `{error:{code, message, …}}`.
import {
  diagnosticsJsonSchema,
  diagnosticsToJson,
  toJsonValue,
  type Diagnostic,
  type ErrorBody as CoreErrorBody,
} from "@tessera/core";

export interface ErrorSpec {
  status: number;
  message: string;
}

export const ERRORS = {
  "AUTH-REQUIRED": { status: 401, message: "Log in first: this needs a session." },
  "AUTH-FAILED": { status: 401, message: "Wrong user name or password." },
  "CSRF-MISMATCH": { status: 403, message: "The request lacks the x-csrf-token of this session." },
  FORBIDDEN: { status: 403, message: "Your role does not allow this." },
  "PASSWORD-CHANGE-REQUIRED": {
    status: 403,
    message:
      "Choose a new password first: this account's password was set by someone else (a one-time or reset password).",
  },
  "PASSWORD-WRONG": { status: 403, message: "The current password is wrong." },
  "PASSWORD-UNCHANGED": {
    status: 400,
    message: "The new password is the current one: choose a different password.",
  },
  "ORIGIN-REFUSED": { status: 403, message: "This origin may not open a live connection." },
  "BODY-MALFORMED": { status: 400, message: "The request body is not valid JSON." },
  "BODY-INVALID": { status: 400, message: "The request does not have the expected shape." },
  "BODY-TOO-LARGE": { status: 413, message: "The request body is too large." },
  "UNSUPPORTED-MEDIA": { status: 415, message: "Send the body as application/json." },
  "NOT-FOUND": { status: 404, message: "No such route." },
  "PROFILE-NOT-FOUND": { status: 404, message: "No profile with this id." },
  "VERSION-NOT-FOUND": { status: 404, message: "This profile has no such version." },
  "INSTANCE-NOT-FOUND": {
    status: 404,
    message: "The active profile has no instance of this name.",
  },
  "USER-NOT-FOUND": { status: 404, message: "No user of this name." },
  "PROFILE-STALE": {
    status: 409,
    message: "Someone saved this profile since you loaded it; your change was not written.",
  },
  "INSTANCE-STATE": { status: 409, message: "The instance is not in a state that allows this." },
  "RESOURCE-LOCKED": {
    status: 409,
    message: "The change takes resources of an instance that may be running; stop it first.",
  },
  "NAME-TAKEN": { status: 409, message: "That name is already taken." },
  "LAST-ADMIN": { status: 409, message: "The last admin cannot be removed or demoted." },
  "NO-ACTIVE-PROFILE": { status: 409, message: "No profile is active: activate one first." },
  "LAYOUT-INVALID": { status: 422, message: "The layout has errors; see the diagnostics." },
  "START-REFUSED": {
    status: 422,
    message: "The instance cannot start on the machine as it is now; see the diagnostics.",
  },
  "GRUB-NOT-FOUND": { status: 409, message: "No GRUB was found on this machine." },
  "GRUB-NOT-VERIFIED": {
    status: 409,
    message:
      "OS1 does not run with the Tessera entry's options yet: boot it once into the entry (a one-time install) before making it the default.",
  },
  "GRUB-ENTRY-UNKNOWN": {
    status: 409,
    message:
      "OS1's kernel or root is neither in the profile nor known from the running OS1, so no GRUB entry can be written; fill them in OS1's slot.",
  },
  "GRUB-NOT-INSTALLED": {
    status: 409,
    message:
      "The active profile's entry is not the installed one: install it before booting it once.",
  },
  "GRUB-CHECK-FAILED": {
    status: 422,
    message: "grub-script-check rejected the generated entry; nothing was installed.",
  },
  "GRUB-COMMAND-FAILED": {
    status: 502,
    message: "A GRUB tool failed; the old configuration was kept.",
  },
  "URL-INVALID": { status: 400, message: "The request URL is not valid (a broken % escape)." },
  "URL-TOO-LONG": { status: 414, message: "A part of the request path is too long." },
  "HTTP-MALFORMED": { status: 400, message: "The request is not valid HTTP." },
  "HEADERS-TOO-LARGE": { status: 431, message: "The request headers are too large." },
  "AGENT-STOPPING": { status: 503, message: "The agent is stopping; try again when it is back." },
  "RATE-LIMITED": { status: 429, message: "Too many attempts; wait a minute and try again." },
  "MACHINE-UNAVAILABLE": { status: 503, message: "The machine could not be read." },
  "STORAGE-FULL": {
    status: 507,
    message:
      "The agent's disk is full: this was not saved. Free space where the agent keeps its data, then try again.",
  },
  "WS-VERSION": {
    status: 400,
    message: "Open the live connection with subprotocol tessera.ws.v1 (protocol tessera/ws@1).",
  },
  INTERNAL: {
    status: 500,
    message: "The agent hit an internal error; the details are in its log.",
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorExtra {
  message?: string;
  hint?: string;
  path?: string;
  /** Core's diagnostics as the model holds them; errorBody() converts them. */
  diagnostics?: Diagnostic[];
  current?: unknown;
  errors?: { path: string; message: string }[];
}

export class AgentError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extra: ErrorExtra;

  constructor(code: ErrorCode, extra: ErrorExtra = {}) {
    super(extra.message ?? ERRORS[code].message);
    this.code = code;
    this.status = ERRORS[code].status;
    this.extra = extra;
  }
}

/**
 * The JSON Schema of every error response (ERRORS.md): each route answers its 4xx and 5xx
 * with it, the way it answers its 2xx with its own.
 */
export const errorBodySchema = {
  type: "object",
  required: ["error"],
  additionalProperties: false,
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      additionalProperties: false,
      properties: {
        code: { type: "string", enum: Object.keys(ERRORS) },
        message: { type: "string" },
        hint: { type: "string" },
        path: { type: "string" },
        diagnostics: diagnosticsJsonSchema,
        current: {},
        errors: {
          type: "array",
          items: {
            type: "object",
            required: ["path", "message"],
            additionalProperties: false,
            properties: { path: { type: "string" }, message: { type: "string" } },
          },
        },
      },
    },
  },
} as const;

/** What every error response carries (ERRORS.md): core's wire type, with this agent's codes. */
export type ErrorBody = CoreErrorBody<ErrorCode>;

/**
 * The JSON body of an error response: the one conversion to the wire form every error the
 * agent sends goes through. Diagnostics carry bigint ranges (core's model) and `current`
 * may carry model values, so both are converted here, never by the caller: a bigint that
 * reached the serialiser would replace the whole answer with Fastify's own 500.
 * Never carries a stack or a child's stderr.
 */
export function errorBody(err: AgentError): ErrorBody {
  const out: ErrorBody["error"] = { code: err.code, message: err.message };
  const { hint, path, diagnostics, current, errors } = err.extra;
  if (hint !== undefined) out.hint = hint;
  if (path !== undefined) out.path = path;
  if (diagnostics !== undefined) out.diagnostics = diagnosticsToJson(diagnostics as Diagnostic[]);
  if (current !== undefined) out.current = toJsonValue(current);
  if (errors !== undefined) out.errors = errors;
  return { error: out };
}

/** Ajv's instancePath (/profile/instances/1) as the JSON path the rest of Tessera uses. */
export function jsonPath(instancePath: string, missing?: string): string {
  const parts = instancePath.split("/").filter(Boolean);
  if (missing) parts.push(missing);
  let out = "";
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out;
}
