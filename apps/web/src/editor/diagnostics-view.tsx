// Every finding in one list: core's validate() in the browser, then what the agent adds with
// its live facts (marked "this host"); each entry jumps to where it belongs.
import { useState } from "react";
import type { Diagnostic } from "@tessera/core";
import { instanceIndexOf } from "./model/diagnostics";
import { useStore } from "../store";
import type { FocusTarget } from "./editor-types";
import { onlyFromHost, useHostFindings } from "./host-findings";

function targetOf(d: Diagnostic, slot: number | null): FocusTarget | null {
  const s = d.subject;
  if (s?.cpus?.length) return { kind: "cpu", key: s.cpus[0]! };
  if (s?.devices?.length) return { kind: "device", key: s.devices[0]! };
  if (s?.ranges?.length) return { kind: "range", key: s.ranges[0]! };
  if (slot !== null) return { kind: "slot", key: slot };
  return null;
}

export function DiagnosticsView() {
  const diagnostics = useStore((s) => s.diagnostics);
  const draft = useStore((s) => s.draft);
  const marks = useStore((s) => s.marks);
  const focusOn = useStore((s) => s.focusOn);
  const [limit, setLimit] = useState(100);
  const host = useHostFindings();
  const fromHost = onlyFromHost(host.findings, diagnostics);
  const hostErrors = fromHost.filter((d) => d.severity === "error").length;
  return (
    <section aria-labelledby="diag-h" className="panel" data-testid="diagnostics.panel">
      <header>
        <h2 id="diag-h">Validation</h2>
        <span className="grow" />
        <span className="sev error" data-testid="diagnostics.errors">
          {marks.errors} errors
        </span>
        <span className="sev warning" data-testid="diagnostics.warnings">
          {marks.warnings} warnings
        </span>
        {hostErrors ? (
          <span className="sev error" data-testid="diagnostics.host-errors">
            {hostErrors} from this host
          </span>
        ) : null}
      </header>
      <div className="body">
        {diagnostics.length === 0 && fromHost.length === 0 ? (
          <p className="banner ok" data-testid="diagnostics.clean">
            ✓ No findings: this layout is valid.
          </p>
        ) : null}
        {fromHost.length ? (
          <ul className="diag-list" data-testid="diagnostics.host-list">
            {fromHost.map((d, k) => (
              <li
                key={`${d.code}-${k}`}
                className="host"
                data-testid={`diagnostics.host-${k}`}
                data-code={d.code}
              >
                <span className="row">
                  <span className={`sev ${d.severity}`}>{d.severity}</span>
                  <code>{d.code}</code>
                  {d.instance ? <span className="muted">{d.instance}</span> : null}
                  <span className="tag" title="Found by the agent with this host's live facts">
                    this host
                  </span>
                </span>
                <span>{d.message}</span>
                {d.hint ? <span className="hint">{d.hint}</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
        <ul className="diag-list" data-testid="diagnostics.list" aria-live="polite">
          {diagnostics.slice(0, limit).map((d, k) => {
            const slot = instanceIndexOf(d, draft);
            const target = targetOf(d, slot);
            return (
              <li key={`${d.code}-${k}`}>
                <button
                  data-testid={`diagnostics.item-${k}`}
                  data-code={d.code}
                  onClick={() => target && focusOn(target)}
                  aria-label={`${d.severity} ${d.code}: ${d.message}. ${target ? "Show where." : ""}`}
                >
                  <span className="row">
                    <span className={`sev ${d.severity}`}>{d.severity}</span>
                    <code>{d.code}</code>
                    {d.instance ? <span className="muted">{d.instance}</span> : null}
                  </span>
                  <span>{d.message}</span>
                  {d.hint ? <span className="hint">{d.hint}</span> : null}
                </button>
              </li>
            );
          })}
        </ul>
        {host.state === "failed" ? (
          <p className="muted" data-testid="diagnostics.host-unavailable">
            The agent's checks of this host are not available: {host.reason}
          </p>
        ) : null}
        {diagnostics.length > limit ? (
          <button onClick={() => setLimit(diagnostics.length)} data-testid="diagnostics.more">
            Show all {diagnostics.length} findings
          </button>
        ) : null}
      </div>
    </section>
  );
}
