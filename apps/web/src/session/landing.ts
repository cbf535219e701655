// Where the console opens after sign-in: the tab and profile the URL names; else the draft
// kept from the last visit, or the last profile opened here, or the active profile; on the
// Run page when something is running. Afterwards the URL follows the tab and the profile.
import { hasUnsavedWork } from "../editor/unsaved";
import { unlessUnsaved } from "../profiles/discard";
import { lastOpened } from "../profiles/last-opened";
import { openProfile } from "../profiles/profile-actions";
import { loadRun } from "../run/run-actions";
import { runningSuccessors } from "../run/running";
import { useStore } from "../store";
import { formatRoute, parseRoute, type Route } from "../ui/route";

// The URL the console was opened with, read before sign-in rewrites it.
let arrival: Route | null = null;

/** `restored`: a draft from the last visit is back (it wins over opening a stored one). */
export async function land(restored: boolean): Promise<void> {
  const s = useStore.getState();
  const tabAtStart = s.tab; // the URL's tab, set when the console started (followRoute)
  const route = arrival ?? parseRoute(location.hash);
  arrival = null;
  const known = (id: string | null) => (id && s.profiles.some((p) => p.id === id) ? id : null);
  const target =
    known(route.profile) ??
    (restored ? null : (known(lastOpened()) ?? s.profiles.find((p) => p.active)?.id ?? null));
  if (target && target !== s.source?.id) {
    // a link to another profile never drops unsaved work without asking
    if (hasUnsavedWork(s.draft, s.source)) {
      const name = s.profiles.find((p) => p.id === target)?.name ?? target;
      unlessUnsaved(`Opening ${name}`, () => void openProfile(target));
    } else await openProfile(target);
  }
  if (route.tab) return;
  await loadRun();
  // to the Run page while something runs, unless the operator has moved on meanwhile
  const now = useStore.getState();
  if (now.tab === tabAtStart && runningSuccessors(now).length) now.setTab("run");
}

/**
 * Takes the tab from the URL now, then keeps the URL in step with the tab and the open
 * profile; returns the unsubscriber.
 */
export function followRoute(): () => void {
  arrival = parseRoute(location.hash);
  if (arrival.tab) useStore.getState().setTab(arrival.tab);
  const write = () => {
    const s = useStore.getState();
    const next = formatRoute({ tab: s.tab, profile: s.source?.id ?? null });
    if (location.hash !== next) history.replaceState(null, "", next);
  };
  const unsub = useStore.subscribe((s, prev) => {
    if (s.tab !== prev.tab || s.source?.id !== prev.source?.id) write();
  });
  const onHash = () => {
    const r = parseRoute(location.hash);
    if (r.tab && r.tab !== useStore.getState().tab) useStore.getState().setTab(r.tab);
  };
  window.addEventListener("hashchange", onHash);
  return () => {
    unsub();
    window.removeEventListener("hashchange", onHash);
  };
}
