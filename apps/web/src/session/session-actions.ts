// Signing in and out, and what follows a sign-in: the machine, the saved draft, the profiles.
// A session whose password someone else set gets none of that until its user has chosen
// their own (the agent refuses it everything else): the console shows that screen first.
import * as api from "../api/session";
import { ApiError } from "../api/client";
import { loadMachine } from "../editor/editor-actions";
import { refreshProfiles } from "../profiles/profile-actions";
import { loadSettings } from "../run/run-actions";
import { useStore } from "../store";
import { errorText } from "../ui/error-text";
import { land } from "./landing";
import { refusalErrors, type PasswordErrors } from "./password-rules";

const get = useStore.getState;

export async function bootstrap(): Promise<void> {
  try {
    const s = await api.getSession();
    get().setUser(s?.user ?? null, s?.mustChangePassword);
    if (s && !s.mustChangePassword) await afterSignIn();
  } catch (e) {
    get().setUser(null);
    get().setNotice({ kind: "error", ...errorText(e) });
  }
}

export async function signIn(username: string, password: string): Promise<string | null> {
  try {
    const s = await api.login(username, password);
    get().setUser(s.user, s.mustChangePassword);
    if (!s.mustChangePassword) await afterSignIn();
    return null;
  } catch (e) {
    return errorText(e).text;
  }
}

export async function signOut(): Promise<void> {
  try {
    await api.logout();
  } finally {
    get().setUser(null);
  }
}

/** Replaces the signed-in user's password, then opens the console; else what is wrong. */
export async function choosePassword(
  currentPassword: string,
  newPassword: string,
): Promise<PasswordErrors | null> {
  let s;
  try {
    s = await api.changePassword({ currentPassword, newPassword });
  } catch (e) {
    if (e instanceof ApiError) return refusalErrors(e.code, e.message, e.body?.path);
    return { form: errorText(e).text };
  }
  get().setUser(s.user, s.mustChangePassword);
  try {
    await afterSignIn();
  } catch (e) {
    get().setNotice({ kind: "error", ...errorText(e) });
  }
  return null;
}

async function afterSignIn(): Promise<void> {
  // The loader and the demo's stand-in kernel, which the editor marks as well as the run view.
  void loadSettings();
  const restored = await loadMachine();
  await refreshProfiles();
  await land(restored);
}
