// Every request the console makes goes through here (transport only: the typed calls per
// resource sit beside it in api/*.ts). The session is a same-origin cookie;
// state-changing requests carry the x-csrf-token the agent handed out at sign-in.
// Errors come back as ApiError with the agent's {code, message, hint, path, ...}.
import type { ErrorBody } from "@tessera/core";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
    /** The agent's error (core's ErrorBody["error"]); absent when something else answered. */
    readonly body?: Partial<ErrorBody["error"]>,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
/** Counts sign-ins (each hands out a new CSRF token): tells a stale 401 from a current one. */
let signIns = 0;
let onAuthRequired: (() => void) | null = null;
/** Called when a request other than sign-in finds the session gone (session/expiry.ts). */
export function setAuthRequiredHandler(fn: (() => void) | null): void {
  onAuthRequired = fn;
}
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
  signIns++;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const sentIn = signIns;
  try {
    return await send<T>(method, path, body);
  } catch (e) {
    if (!(e instanceof ApiError && isAuthRequired(e, path))) throw e;
    // Sent with the old session, answered after the operator had already signed in again
    // (the expiry dialog): the agent did nothing with it, so it goes once more with the new
    // session instead of raising the dialog a second time.
    if (sentIn !== signIns) return request<T>(method, path, body);
    onAuthRequired?.();
    throw e;
  }
}

function isAuthRequired(e: ApiError, path: string): boolean {
  return e.status === 401 && e.code === "AUTH-REQUIRED" && path !== "/api/session";
}

async function send<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(
      0,
      "AGENT-UNREACHABLE",
      "The agent cannot be reached.",
      "Check that tessera serve is running.",
    );
  }
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
  }
  if (!res.ok) {
    // Read defensively: a proxy in between may answer with something else entirely.
    const err = (json as Partial<ErrorBody> | undefined)?.error as
      Partial<ErrorBody["error"]> | undefined;
    throw new ApiError(
      res.status,
      typeof err?.code === "string" ? err.code : `HTTP-${res.status}`,
      typeof err?.message === "string" ? err.message : res.statusText || "Request failed",
      typeof err?.hint === "string" ? err.hint : undefined,
      err,
    );
  }
  return json as T;
}
