// Signing in and out, and what follows a sign-in: the machine, the saved draft, the profiles.
import * as api from "../api/session";
import { loadMachine } from "../editor/editor-actions";
import { refreshProfiles } from "../profiles/profile-actions";
import { loadSettings } from "../run/run-actions";
import { useStore } from "../store";
import { errorText } from "../ui/error-text";
import { land } from "./landing";

const get = useStore.getState;

export async function bootstrap(): Promise<void> {
  try {
    const s = await api.getSession();
    get().setUser(s?.user ?? null);
    if (s) await afterSignIn();
  } catch (e) {
    get().setUser(null);
    get().setNotice({ kind: "error", ...errorText(e) });
  }
}

export async function signIn(username: string, password: string): Promise<string | null> {
  try {
    const s = await api.login(username, password);
    get().setUser(s.user);
    await afterSignIn();
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

async function afterSignIn(): Promise<void> {
  // The loader and the demo's stand-in kernel, which the editor marks as well as the run view.
  void loadSettings();
  const restored = await loadMachine();
  await refreshProfiles();
  await land(restored);
}
