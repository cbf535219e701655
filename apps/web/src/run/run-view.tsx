// The run view: the active profile's instances live. Entry for the "Run" tab.
import { useEffect, useRef, useState } from "react";
import { useStore } from "../store";
import type { InstanceView } from "./run-types";
import { useGate } from "../session/roles";
import { ConfirmDialog, type ConfirmRequest } from "../ui/confirm-dialog";
import { consequences, canStart } from "./explain";
import { ErrorBox, InstanceCard, type Ask } from "./instance-card";
import {
  LOAD_KEY,
  forceStopInstance,
  loadRunKernels,
  loadSettings,
  refreshRun,
  startAll,
  startInstance,
  stopInstance,
} from "./run-actions";
import "./run.css";

export function DryRunBanner() {
  const loader = useStore((s) => s.runLoader);
  if (loader !== "dry-run") return null;
  return (
    <div className="banner dry-run" role="note" data-testid="run.dry-run-banner">
      <strong>Simulation: the loader is the dry-run simulator.</strong>
      <span>
        Nothing is loaded or booted on this machine. Starts and stops here walk through the real
        phases with simulated timing, so you can try the console safely.
      </span>
    </div>
  );
}

export function ConnectionStatus() {
  const ws = useStore((s) => s.wsStatus);
  if (ws === "open")
    return (
      <span className="conn ok" data-testid="run.connection" data-status="open">
        ● Live: changes by anyone appear here as they happen
      </span>
    );
  return (
    <div className="banner warning" role="status" data-testid="run.connection" data-status={ws}>
      {ws === "connecting"
        ? "Reconnecting to the agent… Events missed meanwhile will be replayed."
        : "Connection to the agent lost. Retrying with growing pauses; what is shown may be out of date."}
    </div>
  );
}

function StartAllButton({ ask }: { ask: () => void }) {
  const role = useGate("operator", "start or stop instances");
  // A boolean selector: the button re-renders only when "anything to start" flips.
  const any = useStore((s) =>
    s.runOrder.some((n) => s.runInstances[n] && canStart(s.runInstances[n]!)),
  );
  const pending = useStore((s) => !!s.runPending["*"]);
  const blocked = role.reason ?? (any ? null : "Every instance is already started.");
  return (
    <button
      className="primary"
      disabled={!!blocked || pending}
      title={blocked ?? "Starts every stopped instance in profile order, one after another"}
      onClick={ask}
      data-testid="run.start-all"
    >
      {pending ? "Starting all…" : "Start all in order"}
    </button>
  );
}

/** Tooltips do not reach touch screens or every reader: say it once, visibly, too. */
function RoleNote() {
  const g = useGate("operator", "start or stop instances");
  if (!g.reason) return null;
  return (
    <p className="banner info" role="note" data-testid="run.role-note">
      {g.reason}
    </p>
  );
}

export function RunView() {
  const order = useStore((s) => s.runOrder);
  const profile = useStore((s) => s.runProfile);
  const globalError = useStore((s) => s.runErrors["*"]);
  const loadError = useStore((s) => s.runErrors[LOAD_KEY]);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const ws = useStore((s) => s.wsStatus);
  const wasOpen = useRef(ws === "open");
  useEffect(() => {
    void refreshRun();
    void loadSettings();
  }, []);
  // The cards show each instance's kernel from the active profile's current version.
  useEffect(() => {
    void loadRunKernels(profile.id);
  }, [profile.id, profile.version]);
  // The one fallback read: when the live connection comes back after a loss.
  useEffect(() => {
    if (ws === "open" && !wasOpen.current) void refreshRun();
    wasOpen.current = ws === "open";
  }, [ws]);

  const ask: Ask = (action, v) => {
    if (action === "start") {
      void startInstance(v.name);
      return;
    }
    setConfirm({
      title: action === "stop" ? `Stop ${v.name}?` : `Force-stop ${v.name}?`,
      lines: consequences(action, v),
      confirm: action === "stop" ? `Stop ${v.name}` : `Force-stop ${v.name}`,
      danger: true,
      onConfirm: () => void (action === "stop" ? stopInstance(v.name) : forceStopInstance(v.name)),
    });
  };
  const askAll = () => {
    const s = useStore.getState();
    const names = s.runOrder.filter(
      (n) => s.runInstances[n] && canStart(s.runInstances[n] as InstanceView),
    );
    setConfirm({
      title: "Start all in order?",
      lines: [
        `Starts ${names.join(", ")} one after another, in profile order.`,
        "Each waits until the one before it is running; if one fails, the rest are not started.",
        "Instances already running are left as they are.",
      ],
      confirm: "Start all",
      onConfirm: () => void startAll(),
    });
  };

  return (
    <section className="run-view" aria-labelledby="run-h" data-testid="run.view">
      <DryRunBanner />
      <div className="row run-head">
        <h2 id="run-h">
          Run{profile.name ? `: ${profile.name}` : ""}
          {profile.version ? <span className="muted"> v{profile.version}</span> : null}
        </h2>
        <span className="grow" />
        <ConnectionStatus />
        <StartAllButton ask={askAll} />
      </div>
      <RoleNote />
      {globalError ? <ErrorBox name="*" error={globalError} /> : null}
      {loadError ? <ErrorBox name={LOAD_KEY} error={loadError} /> : null}
      {!profile.id && order.length === 0 ? (
        <p className="muted" data-testid="run.empty">
          No profile is active. Activate one under Profiles to run its instances.
        </p>
      ) : null}
      <div className="run-list">
        {order.map((n) => (
          <InstanceCard key={n} name={n} ask={ask} />
        ))}
      </div>
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}
