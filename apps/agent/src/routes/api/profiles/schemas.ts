// Schemas the profile and layout routes share: core's wire-form schemas (packages/core
// json-schema.ts) for the profiles they carry, and the response shapes of API.md.
//
// Response schemas are used by fast-json-stringify, which DROPS a field its schema does not
// name (where additionalProperties is false) and coerces typed ones: every object here that
// carries open-ended data stays `additionalProperties: true`, every nullable field says so.
import Ajv from "ajv";
import type { FastifySchemaCompiler } from "fastify";
import { profileJsonSchema } from "@tessera/core";

/**
 * The validator of routes that carry a profile. Fastify's own ajv coerces types
 * (`coerceTypes: "array"`), which would turn a JSON number where an address string belongs
 * into "4096" and accept it; a profile's addresses are strings so that nothing above 2^53
 * loses a bit, so these bodies are checked without coercion. Otherwise the options are
 * the app's: unknown fields are errors, the first error is reported (with its JSON path,
 * by the central error handler).
 */
const strictAjv = new Ajv({
  coerceTypes: false,
  useDefaults: true,
  removeAdditional: false,
  allErrors: false,
  allowUnionTypes: true,
});

export const strictValidator: FastifySchemaCompiler<unknown> = ({ schema }) =>
  strictAjv.compile(schema as object);

/** A `{profile}` body. */
export const profileBodySchema = {
  type: "object",
  required: ["profile"],
  additionalProperties: false,
  properties: { profile: profileJsonSchema },
} as const;

const nullableString = { type: ["string", "null"] } as const;

/** A stored profile, as record() writes it. */
export const profileRecordSchema = {
  type: "object",
  required: ["id", "name", "version", "profile"],
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    version: { type: "integer" },
    profile: profileJsonSchema,
    updatedAt: nullableString,
    updatedBy: nullableString,
    active: { type: "boolean" },
    fingerprintMismatch: { type: "boolean" },
  },
  additionalProperties: true,
} as const;

/** A profile in the list (no body). */
export const profileSummarySchema = {
  type: "object",
  required: ["id", "name", "version"],
  properties: {
    id: { type: "string" },
    name: { type: "string" },
    version: { type: "integer" },
    updatedAt: nullableString,
    updatedBy: nullableString,
    active: { type: "boolean" },
    fingerprintMismatch: { type: "boolean" },
  },
  additionalProperties: true,
} as const;

/** One version in a profile's history. */
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

/** 204 answers carry no body. */
export const noContent = { type: "null", description: "No content" } as const;

/** An object whose fields are not fixed here (they pass through unchanged). */
export const openObject = { type: "object", additionalProperties: true } as const;
