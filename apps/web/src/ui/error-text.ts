// A failure in words for the operator: the agent's message with its code, and its hint.
import { ApiError } from "../api/client";

export function errorText(e: unknown): { text: string; hint?: string } {
  if (e instanceof ApiError) return { text: `${e.message} (${e.code})`, hint: e.hint };
  return { text: e instanceof Error ? e.message : String(e) };
}
