// Sign-in, the current session and sign-out (API.md "Session"). Sign-in hands out the CSRF
// token that state-changing requests carry.
import type { PasswordChange, SessionInfo } from "@tessera/core";
import { ApiError, request, setCsrfToken } from "./client";

export type { SessionInfo };
/** The signed-in user, as the session names it. */
export type User = SessionInfo["user"];

export async function login(username: string, password: string): Promise<SessionInfo> {
  const s = await request<SessionInfo>("POST", "/api/session", { username, password });
  setCsrfToken(s.csrfToken ?? null);
  return s;
}

export async function getSession(): Promise<SessionInfo | null> {
  try {
    const s = await request<SessionInfo>("GET", "/api/session");
    if (s.csrfToken) setCsrfToken(s.csrfToken);
    return s;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return null;
    throw e;
  }
}

export async function logout(): Promise<void> {
  await request("DELETE", "/api/session");
  setCsrfToken(null);
}

/** Replaces the signed-in user's own password; the session stays (API.md "Session"). */
export function changePassword(change: PasswordChange): Promise<SessionInfo> {
  return request<SessionInfo>("POST", "/api/session/password", change);
}
