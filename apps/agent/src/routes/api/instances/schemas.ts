// Response schemas of the instance routes (API.md "Instances"). Fastify serialises with them:
// a field missing here never reaches a client, so instances-schemas.test.ts compares what is
// sent with what the lifecycle returns. The view itself is core's (wire/rest-schemas.ts).
import { instanceViewSchema } from "@tessera/core";
import { LOG_KEEP } from "../../../db/instance-runs";

const nullableString = { type: ["string", "null"] } as const;

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
      maxItems: LOG_KEEP,
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
