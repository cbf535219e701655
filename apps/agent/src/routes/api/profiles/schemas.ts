// What the profile and layout routes share besides core's wire schemas
// (packages/core/src/wire/rest-schemas.ts): the validator of bodies that carry a profile,
// and the schema of an answer without a body.
import Ajv from "ajv";
import type { FastifySchemaCompiler } from "fastify";

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

/** 204 answers carry no body. */
export const noContent = { type: "null", description: "No content" } as const;

/** An object whose fields are not fixed here (they pass through unchanged). */
export const openObject = { type: "object", additionalProperties: true } as const;
