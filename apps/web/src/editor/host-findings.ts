// What the agent finds with its live facts and core's validate() in the browser cannot: a
// kernel file missing on this host, a core OS1 keeps online, OS1's options. Asked (debounced)
// whenever the draft changes; only the findings the browser did not make itself are kept, to
// be listed beside them marked "this host".
import { useEffect, useState } from "react";
import type { Diagnostic } from "@tessera/core";
import { hostFindings, type HostFinding } from "../api/plan";
import { errorText } from "../ui/error-text";
import { useStore } from "../store";

export type HostCheck =
  | { state: "asking" | "idle"; findings: HostFinding[] }
  | { state: "failed"; findings: HostFinding[]; reason: string };

const key = (d: { code: string; path: string; message: string }) =>
  `${d.code}\u0000${d.path}\u0000${d.message}`;

/** The agent's findings that core's own list does not already hold. */
export function onlyFromHost(host: readonly HostFinding[], local: readonly Diagnostic[]) {
  const seen = new Set(local.map(key));
  return host.filter((d) => !seen.has(key(d)));
}

export function useHostFindings(delayMs = 400): HostCheck {
  const draft = useStore((s) => s.draft);
  const ready = useStore((s) => s.machine !== null && s.user !== null);
  const [check, setCheck] = useState<HostCheck>({ state: "idle", findings: [] });
  useEffect(() => {
    if (!ready) return;
    let live = true;
    setCheck((c) => ({ state: "asking", findings: c.findings }));
    const t = setTimeout(() => {
      hostFindings(draft)
        .then((findings) => live && setCheck({ state: "idle", findings }))
        .catch(
          (e: unknown) =>
            live && setCheck({ state: "failed", findings: [], reason: errorText(e).text }),
        );
    }, delayMs);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [draft, ready, delayMs]);
  return check;
}
