// Page-wide messages: the last action's result, a profile made for other hardware, and the
// 409 PROFILE-STALE conflict (who saved, what changed, reload or keep the draft).
import { useEffect, useRef } from "react";
import { keepDraftOverConflict, reloadFromConflict } from "./profile-actions";
import { useStore } from "../store";
import { DiffTable } from "./diff-table";

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
  const base = useStore((s) => s.source?.base ?? null);
  const ref = useRef<HTMLDialogElement | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (conflict && !d.open) d.showModal?.();
    if (!conflict && d.open) d.close?.();
  }, [conflict]);
  if (!conflict) return null;
  const c = conflict.current;
  return (
    <dialog
      ref={ref}
      aria-labelledby="conflict-h"
      data-testid="conflict.dialog"
      onCancel={(e) => e.preventDefault()}
    >
      <h2 id="conflict-h">Someone else saved first</h2>
      <p data-testid="conflict.who">
        <strong>{c.updatedBy ?? "Another user"}</strong> saved version {c.version}
        {c.updatedAt ? ` at ${new Date(c.updatedAt).toLocaleString()}` : ""} while you were editing.
      </p>
      {c.profile && base ? (
        <>
          <h3>What they changed</h3>
          <DiffTable
            a={base}
            b={c.profile}
            labelA="your starting point"
            labelB={`their version ${c.version}`}
            testid="conflict.theirs"
          />
        </>
      ) : null}
      {c.profile ? (
        <>
          <h3>Their version against your draft</h3>
          <DiffTable
            a={c.profile}
            b={draft}
            labelA={`their version ${c.version}`}
            labelB="your draft"
            testid="conflict.mine"
          />
        </>
      ) : null}
      <div className="row" style={{ marginTop: 12 }}>
        <button onClick={reloadFromConflict} data-testid="conflict.reload" disabled={!c.profile}>
          Reload their version
        </button>
        <button className="primary" onClick={keepDraftOverConflict} data-testid="conflict.keep">
          Keep my draft
        </button>
      </div>
    </dialog>
  );
}
