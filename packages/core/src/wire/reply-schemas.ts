// JSON Schemas of the replies about instances, OS1 and the agent itself (rest.ts's
// InstanceList, RunLog, Os1Report, Os1BootFacts, AgentSettings): the agent's routes answer
// through them, so a reply and its type are checked against one another in one place.
// Fastify serialises with these: a field missing here never reaches a client.
import { instanceViewSchema } from "./rest-schemas";
import { DEADLINED_PHASES } from "./instances";

const nullableString = { type: ["string", "null"] } as const;

/** The lines of its loader log and state changes the agent keeps per instance. */
export const RUN_LOG_KEEP = 500;

export const instanceListSchema = {
  type: "object",
  additionalProperties: false,
  required: ["profileId", "profileVersion", "instances"],
  properties: {
    profileId: nullableString,
    profileVersion: { type: ["integer", "null"] },
    instances: { type: "array", items: instanceViewSchema },
  },
} as const;

export const oneInstanceSchema = {
  type: "object",
  additionalProperties: false,
  required: ["instance"],
  properties: { instance: instanceViewSchema },
} as const;

export const manyInstancesSchema = {
  type: "object",
  additionalProperties: false,
  required: ["instances"],
  properties: { instances: { type: "array", items: instanceViewSchema } },
} as const;

export const runLogSchema = {
  type: "object",
  additionalProperties: false,
  required: ["name", "epoch", "seq", "lines", "more"],
  properties: {
    name: { type: "string" },
    epoch: { type: "string" },
    seq: { type: "integer" },
    more: { type: "boolean" },
    lines: {
      type: "array",
      maxItems: RUN_LOG_KEEP,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "epoch", "seq", "at", "stream", "line"],
        properties: {
          id: { type: "integer" },
          epoch: { type: "string" },
          seq: { type: "integer" },
          at: { type: "string" },
          stream: { type: "string" },
          line: { type: "string" },
        },
      },
    },
  },
} as const;

export const os1ReportSchema = {
  type: "object",
  additionalProperties: false,
  required: ["cmdline", "expected", "matches", "differences", "message"],
  properties: {
    cmdline: nullableString,
    expected: { type: "array", items: { type: "string" } },
    matches: { type: ["boolean", "null"] },
    differences: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["option", "running", "planned"],
        properties: {
          option: { type: "string" },
          running: { type: "array", items: { type: "string" } },
          planned: { type: "array", items: { type: "string" } },
        },
      },
    },
    message: { type: "string" },
  },
} as const;

export const os1BootSchema = {
  type: "object",
  additionalProperties: false,
  required: ["cmdline", "kernel", "initrd", "root", "problems"],
  properties: {
    cmdline: nullableString,
    kernel: nullableString,
    initrd: nullableString,
    root: nullableString,
    problems: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["field", "message"],
        properties: {
          field: { type: "string", enum: ["cmdline", "kernel", "initrd", "root"] },
          message: { type: "string" },
        },
      },
    },
  },
} as const;

/** GET /api/settings. */
export const agentSettingsSchema = {
  type: "object",
  required: ["loader", "dryRun", "version", "tls", "grub", "standInKernel", "phaseDeadlines"],
  properties: {
    loader: {
      type: "object",
      properties: { kind: { type: "string" } },
      additionalProperties: true,
    },
    dryRun: { type: "boolean" },
    version: { type: "string" },
    tls: { type: "boolean" },
    grub: {
      type: "object",
      properties: { found: { type: "boolean" }, target: { type: ["string", "null"] } },
      additionalProperties: true,
    },
    standInKernel: {
      anyOf: [
        {
          type: "object",
          required: ["path", "label", "version"],
          properties: {
            path: { type: "string" },
            label: { type: "string" },
            version: { type: "string" },
          },
          additionalProperties: false,
        },
        { type: "null" },
      ],
    },
    phaseDeadlines: {
      type: "object",
      additionalProperties: false,
      required: [...DEADLINED_PHASES],
      properties: Object.fromEntries(DEADLINED_PHASES.map((p) => [p, { type: "integer" }])),
    },
  },
  additionalProperties: true,
} as const;
