// Carrying on after a session expired. Contract: an action wrapped in `withSession` that
// meets 401 AUTH-REQUIRED waits for the operator to sign in again (the dialog in
// session-dialog.tsx), then runs once more; nothing else in the store is touched, so the
// draft and the open view survive. Any other request that meets the 401 (through the
// api/client.ts hook) raises the same dialog but is not retried.
import * as api from "../api/client";
import { login } from "../api/session";
import { reconnectSocket } from "../api/socket";
import { useStore } from "../store";

let waiters: Array<(ok: boolean) => void> = [];

function expire(): void {
  if (!useStore.getState().sessionExpired) useStore.getState().setSessionExpired(true);
}

/** Installs the client hook; call once at start-up. Returns the uninstaller. */
export function watchSessionExpiry(): () => void {
  api.setAuthRequiredHandler(expire);
  return () => api.setAuthRequiredHandler(null);
}

function isAuthRequired(e: unknown): boolean {
  return e instanceof api.ApiError && e.status === 401 && e.code === "AUTH-REQUIRED";
}

/** Resolves true once signed in again, false when the operator gave up. */
export function waitForSignIn(): Promise<boolean> {
  expire();
  return new Promise((resolve) => waiters.push(resolve));
}

export async function withSession<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!isAuthRequired(e)) throw e;
    if (!(await waitForSignIn())) throw e;
    return fn();
  }
}

/** Signs in again from the expiry dialog; null on success, else the reason. */
export async function renewSession(username: string, password: string): Promise<string | null> {
  try {
    const s = await login(username, password);
    const st = useStore.getState();
    // Another user signing in here is a different session: the retry must not act as them.
    const same = st.user?.name === s.user.name;
    st.setUser(s.user, s.mustChangePassword);
    st.setSessionExpired(false);
    if (s.mustChangePassword) {
      // An admin reset this password: the console gives way to choosing a new one (the
      // draft stays in local storage); the interrupted action is not replayed.
      abandonWaiters();
      return null;
    }
    // The agent closed the live connection with the old session (4401): open it again now.
    reconnectSocket();
    const w = waiters;
    waiters = [];
    for (const r of w) r(same);
    return null;
  } catch (e) {
    return e instanceof api.ApiError ? `${e.message} (${e.code})` : String(e);
  }
}

function abandonWaiters(): void {
  const w = waiters;
  waiters = [];
  for (const r of w) r(false);
}

/** Gives up: back to the full sign-in page (the draft stays in local storage). */
export function abandonSession(): void {
  abandonWaiters();
  useStore.getState().setSessionExpired(false);
  useStore.getState().setUser(null);
}
