// The console's place in the URL (`#tab=run&profile=<id>`), so a reload or a shared link
// comes back to the same tab and stored profile.
export const TABS = ["machine", "boot", "profiles", "run", "audit", "users"] as const;
export type Tab = (typeof TABS)[number];

export interface Route {
  /** Null when the URL names no tab (the console then picks one). */
  tab: Tab | null;
  profile: string | null;
}

export function parseRoute(hash: string): Route {
  const q = new URLSearchParams(hash.replace(/^#/, ""));
  const tab = q.get("tab");
  return {
    tab: (TABS as readonly string[]).includes(tab ?? "") ? (tab as Tab) : null,
    profile: q.get("profile") || null,
  };
}

export function formatRoute(r: { tab: Tab; profile: string | null }): string {
  const q = new URLSearchParams({ tab: r.tab });
  if (r.profile) q.set("profile", r.profile);
  return `#${q.toString()}`;
}
