// Who is signed in, the theme choice (kept in localStorage), and the live connection's state.
import type { StateCreator } from "zustand";
import type { State } from "../store/types";
import type { SessionSlice, Theme } from "./session-types";

function storedTheme(): Theme {
  try {
    const t = globalThis.localStorage?.getItem("tessera.theme");
    return t === "light" || t === "dark" ? t : "system";
  } catch {
    return "system";
  }
}

export const createSessionSlice: StateCreator<State, [], [], SessionSlice> = (set) => ({
  user: null,
  sessionStatus: "unknown",
  mustChangePassword: false,
  tab: "machine",
  setTab(tab) {
    set({ tab });
  },
  theme: storedTheme(),
  wsStatus: "closed",
  setUser(user, mustChangePassword = false) {
    set({
      user,
      sessionStatus: user ? "signed-in" : "signed-out",
      mustChangePassword: !!user && mustChangePassword,
    });
  },
  setTheme(theme) {
    try {
      if (theme === "system") localStorage.removeItem("tessera.theme");
      else localStorage.setItem("tessera.theme", theme);
    } catch {
      // private mode: the choice lasts for this page only
    }
    set({ theme });
  },
  setWsStatus(wsStatus) {
    set({ wsStatus });
  },
});
