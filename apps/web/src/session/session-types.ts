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
  theme: Theme;
  wsStatus: "closed" | "connecting" | "open";
  setUser(user: User | null): void;
  setTheme(theme: Theme): void;
  setWsStatus(s: SessionSlice["wsStatus"]): void;
}

export interface ExpirySlice {
  /** True while the agent has dropped our session and the sign-in dialog is up. */
  sessionExpired: boolean;
  setSessionExpired(expired: boolean): void;
}
