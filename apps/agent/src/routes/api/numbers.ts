// Numbers in query strings and paths. The app validates every part of a request without
// type coercion (a JSON array is never a string, 1 is never true), so these arrive as text:
// declared as decimal digits, then read here within their bounds. "1e400", "1.5", "0x10"
// and " 7" are 400s, never Infinity or a rounded number.
import { AgentError } from "../../errors";

/** Decimal digits without a sign, a leading zero or more than 9 digits. */
export const digits = { type: "string", pattern: "^(0|[1-9][0-9]{0,8})$" } as const;

/**
 * The number in `text` (already matched by `digits`), or a 400 BODY-INVALID naming `path`
 * (querystring.limit) when it lies outside min..max.
 */
export function intIn(text: string, path: string, min: number, max: number): number {
  const n = Number(text);
  if (n < min || n > max)
    throw new AgentError("BODY-INVALID", {
      message: `${path}: must be between ${min} and ${max}`,
      path,
      errors: [{ path, message: `must be between ${min} and ${max}` }],
    });
  return n;
}

export function optionalIntIn(
  text: string | undefined,
  path: string,
  min: number,
  max: number,
): number | undefined {
  return text === undefined ? undefined : intIn(text, path, min, max);
}
