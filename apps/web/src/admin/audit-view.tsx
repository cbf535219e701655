// The audit log as a page: who did what to which instance, and when, filtered by user,
// instance, action and time range. It reloads by itself when instances change.
import { useCallback, useEffect, useMemo, useState } from "react";
import { useStore } from "../store";
import { errorText } from "../ui/error-text";
import {
  KNOWN_ACTIONS,
  fetchAudit,
  resultTone,
  type AuditEntry,
  type AuditFilter,
} from "./audit-actions";
import "../run/run.css";

export function AuditView() {
  const [filter, setFilter] = useState<AuditFilter>({});
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const instances = useStore((s) => s.runOrder);
  const lastEvent = useStore((s) => s.runLastEventAt);

  const load = useCallback(async (f: AuditFilter) => {
    setLoading(true);
    try {
      setEntries(await fetchAudit(f));
      setError(null);
    } catch (e) {
      setError(errorText(e).text);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    const t = setTimeout(() => void load(filter), 250);
    return () => clearTimeout(t);
  }, [filter, lastEvent, load]);

  const users = useMemo(() => [...new Set(entries.map((e) => e.user))].sort(), [entries]);
  const actions = useMemo(
    () => [...new Set([...KNOWN_ACTIONS, ...entries.map((e) => e.action)])].sort(),
    [entries],
  );
  const set = (k: keyof AuditFilter) => (v: string) =>
    setFilter((f) => ({ ...f, [k]: v || undefined }));

  return (
    <section className="run-view" aria-labelledby="audit-h" data-testid="audit.view">
      <h2 id="audit-h">Audit log</h2>
      <form
        className="filters"
        onSubmit={(e) => e.preventDefault()}
        aria-label="Filter the audit log"
      >
        <label className="field">
          User
          <input
            list="audit-users"
            value={filter.user ?? ""}
            onChange={(e) => set("user")(e.target.value)}
            data-testid="audit.user"
          />
          <datalist id="audit-users">
            {users.map((u) => (
              <option key={u} value={u} />
            ))}
          </datalist>
        </label>
        <label className="field">
          Instance
          <select
            value={filter.instance ?? ""}
            onChange={(e) => set("instance")(e.target.value)}
            data-testid="audit.instance"
          >
            <option value="">Any instance</option>
            {instances.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Action
          <select
            value={filter.action ?? ""}
            onChange={(e) => set("action")(e.target.value)}
            data-testid="audit.action"
          >
            <option value="">Any action</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          From
          <input
            type="datetime-local"
            step="1"
            value={filter.from ?? ""}
            onChange={(e) => set("from")(e.target.value)}
            data-testid="audit.from"
          />
        </label>
        <label className="field">
          To
          <input
            type="datetime-local"
            step="1"
            value={filter.to ?? ""}
            onChange={(e) => set("to")(e.target.value)}
            data-testid="audit.to"
          />
        </label>
        <button type="button" onClick={() => setFilter({})} data-testid="audit.clear">
          Clear filters
        </button>
        <button type="button" onClick={() => void load(filter)} data-testid="audit.refresh">
          {loading ? "Loading…" : "Refresh"}
        </button>
      </form>
      {error ? (
        <p className="banner error" role="alert" data-testid="audit.error">
          {error}
        </p>
      ) : null}
      <p className="muted" data-testid="audit.count" aria-live="polite">
        {entries.length} {entries.length === 1 ? "entry" : "entries"}, newest first
      </p>
      <div className="panel">
        <table className="data" data-testid="audit.table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">User</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Result</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr
                key={e.id}
                data-testid="audit.row"
                data-action={e.action}
                data-instance={e.instance ?? ""}
              >
                <td title={e.at}>{new Date(e.at).toLocaleString()}</td>
                <td>{e.user}</td>
                <td>{e.action}</td>
                <td>{e.instance ?? e.target ?? ""}</td>
                <td className={`result-${resultTone(e.result)}`}>{e.result}</td>
                <td>{e.detail ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
