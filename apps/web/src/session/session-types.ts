// The session slices: who is signed in, the theme, the live connection, and session expiry.
import type { User } from "../api/session";
import type { Tab } from "../ui/route";

export type Theme = "system" | "light" | "dark";

export interface SessionSlice {
  /** The tab on screen (ui/route.ts keeps it in the URL). */
  tab: Tab;
  setTab(tab: Tab): void;
  user: User | null;
  sessionStatus: "unknown" | "signed-out" | "signed-in";
  /**
   * The agent refuses this session everything but choosing a new password (its password
   * was set by someone else): the console shows that screen instead of itself.
   */
  mustChangePassword: boolean;
  theme: Theme;
  wsStatus: "closed" | "connecting" | "open";
  /** Signed in as `user` (null: signed out); `mustChangePassword` as the session says. */
  setUser(user: User | null, mustChangePassword?: boolean): void;
  setTheme(theme: Theme): void;
  setWsStatus(s: SessionSlice["wsStatus"]): void;
}

export interface ExpirySlice {
  /** True while the agent has dropped our session and the sign-in dialog is up. */
  sessionExpired: boolean;
  setSessionExpired(expired: boolean): void;
}
