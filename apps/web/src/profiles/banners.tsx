// Page-wide messages: the last action's result, a profile made for other hardware, and the
// 409 PROFILE-STALE conflict (who saved, what changed, reload or keep the draft).
import { useEffect, useMemo, useRef, useState } from "react";
import { keepDraftOverConflict, reloadFromConflict } from "./profile-actions";
import { useStore } from "../store";
import { defaultChoices, fieldLabel, mergeProfiles, mergeRows, type Side } from "./merge";

/** A success message goes away by itself after this long; problems stay until dismissed. */
export const OK_NOTICE_MS = 6000;

export function Notice() {
  const notice = useStore((s) => s.notice);
  const setNotice = useStore((s) => s.setNotice);
  const sourceId = useStore((s) => s.source?.id ?? null);
  // A notice belongs to the profile that was open when it came: opening another hides it.
  const about = useRef<{ notice: unknown; source: string | null }>({ notice: null, source: null });
  if (about.current.notice !== notice) about.current = { notice, source: sourceId };
  useEffect(() => {
    if (notice?.kind !== "ok") return;
    const t = setTimeout(() => {
      if (useStore.getState().notice === notice) useStore.getState().setNotice(null);
    }, OK_NOTICE_MS);
    return () => clearTimeout(t);
  }, [notice]);
  if (!notice || about.current.source !== sourceId) return null;
  return (
    <div
      className={`banner ${notice.kind}`}
      role={notice.kind === "error" ? "alert" : "status"}
      data-testid="app.notice"
    >
      <span className="grow">
        {notice.text}
        {notice.hint ? <span className="muted"> — {notice.hint}</span> : null}
      </span>
      <button className="icon" aria-label="Dismiss" onClick={() => setNotice(null)}>
        ✕
      </button>
    </div>
  );
}

export function StaleHardware() {
  const items = useStore((s) => s.staleHardware);
  const set = useStore((s) => s.setStaleHardware);
  if (!items) return null;
  return (
    <div className="banner warning" role="alert" data-testid="app.stale-hardware">
      <div className="grow">
        <strong>This profile was made for other hardware.</strong>{" "}
        {items.length
          ? "These no longer exist on this machine:"
          : "Everything it names still exists, but check the layout."}
        {items.length ? (
          <ul>
            {items.map((t) => (
              <li key={t}>{t}</li>
            ))}
          </ul>
        ) : null}
      </div>
      <button className="icon" aria-label="Dismiss" onClick={() => set(null)}>
        ✕
      </button>
    </div>
  );
}

export function ConflictDialog() {
  const conflict = useStore((s) => s.conflict);
  const draft = useStore((s) => s.draft);
  const source = useStore((s) => s.source);
  const base = source?.base ?? null;
  const ref = useRef<HTMLDialogElement | null>(null);
  const theirs = conflict?.current.profile ?? null;
  const rows = useMemo(
    () => (base && theirs ? mergeRows(base, theirs, draft) : []),
    [base, theirs, draft],
  );
  const [choices, setChoices] = useState<Record<string, Side>>({});
  useEffect(() => setChoices(defaultChoices(rows)), [rows]);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (conflict && !d.open) {
      d.showModal?.();
      d.scrollTop = 0; // open at the top: who saved, then the fields
    }
    if (!conflict && d.open) d.close?.();
  }, [conflict]);
  if (!conflict) return null;
  const c = conflict.current;
  const who = c.updatedBy ?? "Another user";
  return (
    <dialog
      ref={ref}
      aria-labelledby="conflict-h"
      data-testid="conflict.dialog"
      className="conflict"
      onCancel={(e) => e.preventDefault()}
    >
      <h2 id="conflict-h">Someone else saved first</h2>
      <p data-testid="conflict.who">
        <strong>{who}</strong> saved version {c.version}
        {c.updatedAt ? ` at ${new Date(c.updatedAt).toLocaleString()}` : ""} while you were editing
        version {source?.version ?? "?"}.
      </p>
      {theirs && base ? (
        <>
          <p className="muted">
            A field changed on one side only keeps that change. Where you both changed a field,
            choose which to keep.
          </p>
          <table className="grid diff merge" data-testid="conflict.merge">
            <thead>
              <tr>
                <th scope="col">Instance · field</th>
                <th scope="col">Version {source?.version} (both started here)</th>
                <th scope="col">
                  {who}&apos;s version {c.version}
                </th>
                <th scope="col">Your draft</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key} data-key={r.key} data-changed-by={r.changedBy}>
                  <th scope="row">
                    {r.instance} · {fieldLabel(r.field)}
                  </th>
                  <td className="mono">{r.base}</td>
                  {(["theirs", "mine"] as const).map((side) => (
                    <td key={side} className={choices[r.key] === side ? "mono chosen" : "mono"}>
                      <label className="choice">
                        <input
                          type="radio"
                          name={`merge-${r.key}`}
                          checked={choices[r.key] === side}
                          onChange={() => setChoices({ ...choices, [r.key]: side })}
                          data-testid={`conflict.take-${side}-${r.key}`}
                        />
                        {side === "theirs" ? r.theirs : r.mine}
                      </label>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <div className="row" style={{ marginTop: 12 }}>
        <button onClick={reloadFromConflict} data-testid="conflict.reload" disabled={!theirs}>
          Take their version
        </button>
        <button
          className="primary"
          onClick={() =>
            keepDraftOverConflict(theirs ? mergeProfiles(theirs, draft, rows, choices) : null)
          }
          data-testid="conflict.keep"
        >
          Keep the choices above
        </button>
      </div>
    </dialog>
  );
}
