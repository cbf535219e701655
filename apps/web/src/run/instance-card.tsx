// One instance in the run view: its state, phase timeline with times, heartbeat, controls,
// the failure in plain words, and its loader log. Selects only its own instance's fields.
import { useEffect, useRef, useState } from "react";
import { secondsText } from "@tessera/core";
import { useStore } from "../store";
import { PHASES } from "./run-slice";
import type { InstanceView, PhaseMark, RunError } from "./run-types";
import { stopInstance } from "./run-actions";
import { useGate } from "../session/roles";
import { StandInNote } from "./stand-in-note";
import {
  PHASE_LABEL,
  PHASE_MEANING,
  STATE_LABEL,
  cpuText,
  relative,
  stateBlocks,
  stateTone,
} from "./explain";
import { plural } from "../ui/plural";

export type Ask = (action: "start" | "stop" | "force-stop", v: InstanceView) => void;

export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

function Timeline({ name, marks }: { name: string; marks: PhaseMark[] }) {
  const t0 = marks.find((m) => m.at)?.at;
  const byPhase = new Map(marks.map((m) => [m.phase, m]));
  return (
    <ol
      className="timeline"
      aria-label={`${name} boot phases`}
      data-testid={`run.timeline-${name}`}
    >
      {PHASES.map((p) => {
        const m = byPhase.get(p);
        const status = m?.failed ? "failed" : m ? "done" : "todo";
        // The first phase says when the run began (clock time); the others how long after.
        const when =
          m?.at && t0
            ? m.at === t0
              ? `at ${new Date(m.at).toLocaleTimeString()}`
              : `+${((Date.parse(m.at) - Date.parse(t0)) / 1000).toFixed(2)} s`
            : "";
        return (
          <li
            key={p}
            className={`phase ${status}`}
            data-testid={`run.phase-${name}-${p}`}
            data-status={status}
            title={m?.at ? new Date(m.at).toLocaleTimeString() : undefined}
          >
            <span className="dot" aria-hidden="true">
              {status === "failed" ? "✕" : status === "done" ? "✓" : "·"}
            </span>
            <span className="label">{PHASE_LABEL[p]}</span>
            <span className="time">{when}</span>
            <span className="sr-only">
              {status === "todo"
                ? " not reached"
                : status === "failed"
                  ? " failed here"
                  : " reached"}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** The guest's latest heartbeat: live `guest-heartbeat` events, else the view's lastHeartbeat. */
function Heartbeat({ v }: { v: InstanceView }) {
  const now = useNow();
  const live = useStore((s) => s.runHeartbeats[v.name]);
  if (v.role === "os1") return <span className="muted heartbeat">host</span>;
  if (!["running", "unresponsive", "booting"].includes(v.state)) return null;
  const last = live && (!v.lastHeartbeat || live > v.lastHeartbeat) ? live : v.lastHeartbeat;
  if (!last)
    return (
      <span className="heartbeat none" data-testid={`run.heartbeat-${v.name}`}>
        ♡ no heartbeat yet
      </span>
    );
  const age = (now - Date.parse(last)) / 1000;
  const fresh = age < 20 && v.state !== "unresponsive";
  return (
    <span
      className={`heartbeat ${fresh ? "fresh" : "stale"}`}
      data-testid={`run.heartbeat-${v.name}`}
      data-at={last}
      title={`Last heartbeat from the guest at ${new Date(last).toLocaleTimeString()}`}
    >
      {fresh ? "♥" : "♡"} heartbeat {relative(last, now)}
    </span>
  );
}

/**
 * The current phase against its deadline while a start is under way: how long it has taken
 * (this browser's clock against the agent's phase start, so only a guide) and the deadline;
 * past it (the agent's word, `overdue`), that the start looks stuck, with force-stop at hand.
 */
function Deadline({ v, ask }: { v: InstanceView; ask: Ask }) {
  // Only a card with a phase under way ticks.
  return v.deadline ? <DeadlineTicking v={v} d={v.deadline} ask={ask} /> : null;
}

function DeadlineTicking({
  v,
  d,
  ask,
}: {
  v: InstanceView;
  d: NonNullable<InstanceView["deadline"]>;
  ask: Ask;
}) {
  const now = useNow(500);
  const label = PHASE_LABEL[d.phase] ?? d.phase;
  const elapsed = Math.max(0, now - Date.parse(d.since));
  if (!d.overdue)
    return (
      <p className="muted deadline" data-testid={`run.deadline-${v.name}`}>
        {label}: {secondsText(elapsed)} so far · deadline {secondsText(d.ms)}
      </p>
    );
  // Never less than the deadline once the agent said it passed (the clocks may differ).
  const taken = secondsText(Math.max(elapsed, d.ms));
  return (
    <div className="banner warning" role="status" data-testid={`run.overdue-${v.name}`}>
      <div className="grow">
        <strong>{v.name} looks stuck:</strong> {label} has taken {taken}, more than its{" "}
        {secondsText(d.ms)} deadline.{" "}
        <span>
          Nothing was stopped: read the log below; if it does not move on, force-stop it to free its
          cores and memory.
        </span>
      </div>
      <Control
        v={v}
        action="force-stop"
        label="Force stop"
        ask={ask}
        danger
        testId={`run.overdue-force-stop-${v.name}`}
      />
    </div>
  );
}

function LogPanel({ name, open }: { name: string; open: boolean }) {
  const lines = useStore((s) => s.runLogs[name]);
  const ref = useRef<HTMLPreElement | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);
  return (
    <details className="log" open={open}>
      <summary>Loader log and events ({plural(lines?.length ?? 0, "line", "lines")})</summary>
      <pre
        ref={ref}
        role="log"
        tabIndex={0}
        aria-label={`${name} loader log`}
        data-testid={`run.log-${name}`}
      >
        {lines?.length
          ? lines.map((l) => (
              <span key={`${l.epoch ?? ""}:${l.seq}`} className={`line ${l.stream}`}>
                {new Date(l.at).toLocaleTimeString()} {l.line}
                {"\n"}
              </span>
            ))
          : "No log lines for this run yet."}
      </pre>
    </details>
  );
}

function Control({
  v,
  action,
  label,
  ask,
  danger,
  testId,
}: {
  v: InstanceView;
  action: "start" | "stop" | "force-stop";
  label: string;
  ask: Ask;
  danger?: boolean;
  testId?: string;
}) {
  const role = useGate("operator", "start or stop instances");
  const pending = useStore((s) => s.runPending[v.name]);
  const blocked = role.reason ?? stateBlocks(action, v);
  return (
    <button
      className={danger ? "danger" : action === "start" ? "primary" : ""}
      disabled={!!blocked || !!pending}
      title={blocked ?? undefined}
      onClick={() => ask(action, v)}
      data-testid={testId ?? `run.${action}-${v.name}`}
    >
      {pending === action ? `${label}…` : label}
    </button>
  );
}

export function InstanceCard({ name, ask }: { name: string; ask: Ask }) {
  const v = useStore((s) => s.runInstances[name]);
  const marks = useStore((s) => s.runTimelines[name]);
  const error = useStore((s) => s.runErrors[name]);
  const profileVersion = useStore((s) => s.runProfile.version);
  const kernel = useStore((s) => s.runKernels[name]);
  if (!v) return null;
  // A start past its phase's deadline is still under way, but it wants a look.
  const tone = v.deadline?.overdue ? "warn" : stateTone(v.state);
  const failed = v.state === "failed";
  const failedAt = failed ? (marks?.find((m) => m.failed)?.phase ?? v.phase) : null;
  const active = tone === "busy";
  return (
    <section
      className={`panel run-card tone-${tone}`}
      aria-labelledby={`run-h-${name}`}
      data-testid={`run.instance-${name}`}
    >
      <header>
        <h3 id={`run-h-${name}`}>{name}</h3>
        <span
          className={`state-badge tone-${stateTone(v.state)}`}
          data-testid={`run.state-${name}`}
          data-state={v.state}
        >
          {STATE_LABEL[v.state]}
        </span>
        <span className="muted">{v.role === "os1" ? "host (OS1)" : cpuText(v.cpus)}</span>
        <span className="grow" />
        <Heartbeat v={v} />
      </header>
      <div className="body">
        {v.role === "successor" ? (
          <>
            {kernel !== undefined ? (
              <p className="muted kernel-line" data-testid={`run.kernel-${name}`}>
                Kernel <code>{kernel ?? "none set in the profile"}</code>
              </p>
            ) : null}
            <StandInNote kernel={kernel} testId={`run.stand-in-${name}`} />
            <Timeline name={name} marks={marks ?? []} />
            <Deadline v={v} ask={ask} />
            {v.state === "queued" ? (
              <QueuedBox v={v} />
            ) : v.reason ? (
              <div
                className={`banner ${failed ? "error" : "warning"}`}
                role={failed ? "alert" : "status"}
                data-testid={`run.reason-${name}`}
              >
                <div className="grow">
                  <strong>
                    {failed
                      ? `${name} failed${failedAt ? ` at “${PHASE_LABEL[failedAt] ?? failedAt}”` : ""}.`
                      : `${STATE_LABEL[v.state]}.`}
                  </strong>{" "}
                  {v.reason}
                  {failedAt && PHASE_MEANING[failedAt] ? (
                    <p className="muted">
                      {PHASE_MEANING[failedAt]} See the loader log below; start it again once the
                      cause is fixed.
                    </p>
                  ) : null}
                </div>
              </div>
            ) : null}
            {error ? <ErrorBox name={name} error={error} /> : null}
            <div className="row controls">
              <Control v={v} action="start" label="Start" ask={ask} />
              <Control v={v} action="stop" label="Stop" ask={ask} />
              <Control v={v} action="force-stop" label="Force stop" ask={ask} danger />
              {v.since ? (
                <span className="muted">since {new Date(v.since).toLocaleTimeString()}</span>
              ) : null}
              {v.locked &&
              v.profileVersion &&
              profileVersion &&
              v.profileVersion !== profileVersion ? (
                <span className="muted" data-testid={`run.version-${name}`}>
                  · started from profile version {v.profileVersion}; the active profile is now
                  version {profileVersion}: stop and start it to apply the change.
                </span>
              ) : null}
            </div>
            <LogPanel name={name} open={active || failed} />
          </>
        ) : (
          <p className="muted">
            The host: it boots from GRUB with the options Tessera planned, and always runs while the
            console is up.
          </p>
        )}
      </div>
    </section>
  );
}

/**
 * A start waiting for another one (loaders do one at a time): not a failure, so a neutral
 * notice saying what it waits for, and a way to take it back (nothing runs: no confirmation).
 */
function QueuedBox({ v }: { v: InstanceView }) {
  const role = useGate("operator", "start or stop instances");
  const pending = useStore((s) => s.runPending[v.name]);
  return (
    <div className="banner info" role="status" data-testid={`run.queued-${v.name}`}>
      <div className="grow">
        <strong>Queued.</strong> {v.reason}
      </div>
      <button
        disabled={!!role.reason || !!pending}
        title={role.reason ?? undefined}
        onClick={() => void stopInstance(v.name)}
        data-testid={`run.cancel-${v.name}`}
      >
        {pending === "stop" ? "Cancelling…" : "Cancel start"}
      </button>
    </div>
  );
}

export function ErrorBox({ name, error }: { name: string; error: RunError }) {
  const clear = useStore((s) => s.runSetError);
  return (
    <div className="banner error" role="alert" data-testid={`run.error-${name}`}>
      <div className="grow">
        <strong>{error.text}</strong>
        {error.hint ? <span> {error.hint}</span> : null}
        {error.diagnostics?.length ? (
          <ul>
            {error.diagnostics
              .filter((d) => d.severity === "error")
              .map((d, i) => (
                <li key={i}>
                  {d.message}
                  {d.hint ? <span className="muted"> — {d.hint}</span> : null}
                </li>
              ))}
          </ul>
        ) : null}
      </div>
      <button className="icon" aria-label="Dismiss" onClick={() => clear(name, null)}>
        ✕
      </button>
    </div>
  );
}
