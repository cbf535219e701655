// Stored profiles: open, save, save as, rename, duplicate, delete, activate; import and
// export JSON; version history with a side-by-side diff.
import { useEffect, useRef, useState } from "react";
import { hasErrors, type Profile } from "@tessera/core";
import * as api from "../api/profiles";
import { draftFromHost, newDraft } from "../editor/editor-actions";
import { errorText } from "../ui/error-text";
import {
  activateCurrent,
  deleteStored,
  duplicateCurrent,
  exportJson,
  importJson,
  openProfile,
  refreshProfiles,
  renameProfile,
  saveDraft,
  saveDraftAs,
} from "./profile-actions";
import { useStore } from "../store";
import { DiffTable } from "./diff-table";
import { unlessUnsaved } from "./discard";
import { useEditGate } from "../session/roles";

function History({ id }: { id: string }) {
  const [versions, setVersions] = useState<api.StoredProfile[]>([]);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [pair, setPair] = useState<[Profile, Profile] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const version = useStore((s) => s.source?.version);
  useEffect(() => {
    api
      .listVersions(id)
      .then((v) => {
        setVersions(v);
        setTo(v[0]?.version ?? null);
        setFrom(v[1]?.version ?? v[0]?.version ?? null);
      })
      .catch((e) => setError(errorText(e).text));
  }, [id, version]);
  useEffect(() => {
    if (from === null || to === null) return;
    Promise.all([api.getVersion(id, from), api.getVersion(id, to)])
      .then(([a, b]) => a.profile && b.profile && setPair([a.profile, b.profile]))
      .catch((e) => setError(errorText(e).text));
  }, [id, from, to]);
  const label = (v: api.StoredProfile) =>
    `v${v.version} · ${v.updatedBy ?? "?"} · ${v.updatedAt ? new Date(v.updatedAt).toLocaleString() : ""}`;
  return (
    <section className="panel" data-testid="profiles.history">
      <header>
        <h2>History</h2>
        {(
          [
            ["From", from, setFrom, "profiles.diff-from"],
            ["To", to, setTo, "profiles.diff-to"],
          ] as const
        ).map(([text, value, set, testId]) => (
          <label className="row" key={testId}>
            {text}
            <select
              value={value ?? ""}
              onChange={(e) => set(Number(e.target.value))}
              data-testid={testId}
            >
              {versions.map((v) => (
                <option key={v.version} value={v.version}>
                  {label(v)}
                </option>
              ))}
            </select>
          </label>
        ))}
      </header>
      <div className="body">
        {error ? <p className="banner error">{error}</p> : null}
        {pair ? (
          <DiffTable
            a={pair[0]}
            b={pair[1]}
            labelA={`version ${from}`}
            labelB={`version ${to}`}
            testid="profiles.diff"
          />
        ) : (
          <p className="muted">Loading…</p>
        )}
      </div>
    </section>
  );
}

export function ProfilesView() {
  const profiles = useStore((s) => s.profiles);
  const source = useStore((s) => s.source);
  const draftName = useStore((s) => s.draft.name);
  const errors = useStore((s) => hasErrors(s.diagnostics));
  const ro = useEditGate();
  const why = ro.reason ?? undefined;
  const [asName, setAsName] = useState("");
  const [rename, setRename] = useState("");
  const [importError, setImportError] = useState<string | null>(null);
  const file = useRef<HTMLInputElement | null>(null);
  useEffect(() => {
    void refreshProfiles();
  }, []);

  const exportFile = () => {
    const blob = new Blob([exportJson()], { type: "application/json" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `${draftName}.json`;
    a.click();
    URL.revokeObjectURL(a.href);
  };

  return (
    <div style={{ display: "grid", gap: 12 }}>
      <section className="panel" aria-labelledby="cur-h">
        <header>
          <h2 id="cur-h">This draft</h2>
          <span data-testid="profiles.current">
            {draftName} {source ? `· stored as version ${source.version}` : "· not saved yet"}
          </span>
        </header>
        <div className="body" style={{ display: "grid", gap: 8 }}>
          <div className="row">
            <button
              className="primary"
              onClick={() => void saveDraft()}
              disabled={ro.disabled}
              title={why}
              data-testid="profiles.save"
            >
              Save
            </button>
            <input
              aria-label="Name for save as"
              placeholder="new name"
              value={asName}
              onChange={(e) => setAsName(e.target.value)}
              data-testid="profiles.save-as-name"
            />
            <button
              disabled={!asName.trim() || ro.disabled}
              title={why}
              onClick={() => void saveDraftAs(asName.trim()).then((ok) => ok && setAsName(""))}
              data-testid="profiles.save-as"
            >
              Save as
            </button>
            <input
              aria-label="New name"
              placeholder="rename to"
              value={rename}
              onChange={(e) => setRename(e.target.value)}
              data-testid="profiles.rename-name"
            />
            <button
              disabled={!rename.trim() || ro.disabled}
              title={why}
              onClick={() => void renameProfile(rename.trim()).then(() => setRename(""))}
              data-testid="profiles.rename"
            >
              Rename
            </button>
          </div>
          <div className="row">
            <button
              disabled={!source || ro.disabled}
              title={why}
              onClick={() => unlessUnsaved("Duplicating", () => void duplicateCurrent())}
              data-testid="profiles.duplicate"
            >
              Duplicate
            </button>
            <button
              disabled={!source || errors || ro.disabled}
              title={why ?? (errors ? "A profile with errors cannot be made active" : undefined)}
              onClick={() => void activateCurrent()}
              data-testid="profiles.activate"
            >
              Make active
            </button>
            <button
              onClick={() => unlessUnsaved("A new draft", newDraft)}
              disabled={ro.disabled}
              title={why}
              data-testid="profiles.new"
            >
              New empty draft
            </button>
            <button
              onClick={() => unlessUnsaved("Starting from this machine", draftFromHost)}
              disabled={ro.disabled}
              title={
                why ?? "OS1 owns every core, all memory and every device, as before partitioning"
              }
              data-testid="profiles.from-host"
            >
              Start from this machine
            </button>
            <button onClick={exportFile} data-testid="profiles.export">
              Export JSON
            </button>
            <button
              onClick={() => file.current?.click()}
              disabled={ro.disabled}
              title={why}
              data-testid="profiles.import"
            >
              Import JSON…
            </button>
            <input
              ref={file}
              type="file"
              accept="application/json,.json"
              hidden
              data-testid="profiles.import-file"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                const text = f && (await f.text());
                if (text !== undefined)
                  unlessUnsaved(`Importing ${f!.name}`, () => setImportError(importJson(text)));
                e.target.value = "";
              }}
            />
          </div>
          {importError ? (
            <pre className="banner error" role="alert" data-testid="profiles.import-error">
              {importError}
            </pre>
          ) : null}
        </div>
      </section>
      <section className="panel" aria-labelledby="stored-h">
        <header>
          <h2 id="stored-h">Stored profiles</h2>
          <span className="grow" />
          <button onClick={() => void refreshProfiles()}>Refresh</button>
        </header>
        <div className="body">
          <table className="grid" data-testid="profiles.list">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Version</th>
                <th scope="col">Saved by</th>
                <th scope="col">Saved at</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {profiles.map((p) => (
                <tr key={p.id} data-testid={`profiles.row-${p.name}`}>
                  <td>{p.name}</td>
                  <td>{p.version}</td>
                  <td>{p.updatedBy ?? "—"}</td>
                  <td>{p.updatedAt ? new Date(p.updatedAt).toLocaleString() : "—"}</td>
                  <td>
                    {p.active ? <span className="sev info">active</span> : null}
                    {p.fingerprintMismatch ? (
                      <span className="sev warning">other hardware</span>
                    ) : null}
                    {source?.id === p.id ? <span className="muted"> open</span> : null}
                  </td>
                  <td className="row">
                    <button
                      onClick={() =>
                        unlessUnsaved(`Opening ${p.name}`, () => void openProfile(p.id))
                      }
                      data-testid={`profiles.open-${p.name}`}
                    >
                      Open
                    </button>
                    <button
                      className="danger"
                      disabled={ro.disabled}
                      title={why}
                      data-testid={`profiles.delete-${p.name}`}
                      onClick={() =>
                        confirm(`Delete ${p.name} and its history?`) && void deleteStored(p.id)
                      }
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
              {profiles.length === 0 ? (
                <tr>
                  <td colSpan={6} className="muted">
                    No stored profiles yet.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
      </section>
      {source ? <History id={source.id} /> : null}
    </div>
  );
}
