import { useEffect, useMemo } from "react";
import { hasErrors } from "@tessera/core";
import { startPersistence } from "./editor/draft-persistence";
import { bootstrap, signOut } from "./session/session-actions";
import { startLive } from "./store/live";
import { saveDraft } from "./profiles/profile-actions";
import { useStore } from "./store";
import type { Theme } from "./session/session-types";
import { BootPreview } from "./editor/boot-preview";
import { ConflictDialog, Notice, StaleHardware } from "./profiles/banners";
import { DiscardDialog } from "./profiles/discard";
import { hasUnsavedWork } from "./editor/unsaved";
import { CoresView } from "./editor/cores-view";
import { DevicesView } from "./editor/devices-view";
import { DiagnosticsView } from "./editor/diagnostics-view";
import { DndShell } from "./editor/dnd-shell";
import { flashElement, selectorFor } from "./editor/focus";
import { LoginView } from "./session/login-view";
import { PasswordChangeView } from "./session/password-change-view";
import { MemoryView } from "./editor/memory-view";
import { ProfilesView } from "./profiles/profiles-view";
import { SelectionBar } from "./editor/selection-bar";
import { SlotsView } from "./editor/slots-view";
import { RunView } from "./run/run-view";
import { GrubDialog } from "./os1/grub-dialog";
import { Os1Notice } from "./os1/os1-notice";
import { AuditView } from "./admin/audit-view";
import { UsersView } from "./admin/users-view";
import { SessionExpiredDialog } from "./session/session-dialog";
import { watchSessionExpiry } from "./session/expiry";
import { useEditGate } from "./session/roles";
import { followRoute } from "./session/landing";
import { applyTheme, followSystemTheme } from "./ui/theme";

function useTheme() {
  const theme = useStore((s) => s.theme);
  useEffect(() => applyTheme(theme), [theme]);
  useEffect(() => followSystemTheme(() => useStore.getState().theme), []);
}

function useShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey)) return;
      const t = e.target as HTMLElement | null;
      const typing = t?.matches?.("input:not([type=checkbox]),textarea,select");
      const k = e.key.toLowerCase();
      if (k === "z" && !typing) {
        e.preventDefault();
        if (e.shiftKey) useStore.getState().redo();
        else useStore.getState().undo();
      } else if (k === "y" && !typing) {
        e.preventDefault();
        useStore.getState().redo();
      } else if (k === "s") {
        e.preventDefault();
        void saveDraft();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}

function useFocusJump() {
  const focus = useStore((s) => s.focus);
  useEffect(() => {
    if (!focus) return;
    useStore.getState().setTab("machine");
    const sel = selectorFor(
      focus,
      useStore.getState().draft.instances.map((i) => i.name),
    );
    if (sel) requestAnimationFrame(() => flashElement(sel));
  }, [focus]);
}

function TopBar() {
  const tab = useStore((s) => s.tab);
  const setTab = useStore((s) => s.setTab);
  const machine = useStore((s) => s.machine);
  const user = useStore((s) => s.user);
  const name = useStore((s) => s.draft.name);
  const source = useStore((s) => s.source);
  const draft = useStore((s) => s.draft);
  const dirty = useMemo(() => hasUnsavedWork(draft, source), [draft, source]);
  const canUndo = useStore((s) => s.past.length > 0);
  const canRedo = useStore((s) => s.future.length > 0);
  const errors = useStore((s) => hasErrors(s.diagnostics));
  const theme = useStore((s) => s.theme);
  const setTheme = useStore((s) => s.setTheme);
  const ws = useStore((s) => s.wsStatus);
  const ro = useEditGate();
  const id = machine?.identity;
  const machineLine = [
    id?.hostname || "machine",
    id?.vendor,
    id?.product,
    `${machine?.cpus.length ?? 0} CPUs`,
  ]
    .filter((part) => part && part.trim() !== "")
    .join(" · ");
  return (
    <>
      <header className="topbar" data-testid="app.header">
        <span className="brand">Tessera</span>
        <span className="machine-id" data-testid="app.machine" title={machineLine}>
          {machineLine}
        </span>
        <span className="grow" />
        <span className="profile-name" data-testid="app.profile-name" title={name}>
          {name}
          {source ? <span className="muted"> v{source.version}</span> : null}
        </span>
        {dirty ? (
          <span className="dirty-dot" title="Unsaved changes" data-testid="app.dirty">
            ● unsaved
          </span>
        ) : null}
        <button
          aria-label="Undo (Ctrl+Z)"
          title={ro.reason ?? "Undo (Ctrl+Z)"}
          disabled={!canUndo || ro.disabled}
          onClick={() => useStore.getState().undo()}
          data-testid="app.undo"
        >
          ↶ Undo
        </button>
        <button
          aria-label="Redo (Ctrl+Shift+Z)"
          title={ro.reason ?? "Redo (Ctrl+Shift+Z)"}
          disabled={!canRedo || ro.disabled}
          onClick={() => useStore.getState().redo()}
          data-testid="app.redo"
        >
          ↷ Redo
        </button>
        <button
          className="primary"
          onClick={() => void saveDraft()}
          data-testid="app.save"
          disabled={ro.disabled}
          title={
            ro.reason ??
            (source
              ? `Saves ${name} as version ${source.version + 1} of the stored profile ${source.name}`
              : `Saves ${name} as a new stored profile`) +
              (errors ? " (errors block activation, not saving)" : "") +
              " · Ctrl+S"
          }
        >
          {source ? `Save to ${source.name}` : "Save as new"}
        </button>
        <span
          className={ws === "open" ? "live on" : "live"}
          title={`Live events: ${ws}`}
          data-testid="app.live"
          data-state={ws}
        >
          {ws === "open" ? "● live" : "○ offline"}
        </span>
        {/* What does not fit a one-line header at 1024 px: the theme and sign-out, in a menu. */}
        <details className="menu" data-testid="app.menu">
          <summary data-testid="app.user" title="Theme and sign-out">
            {user?.name} <span className="muted">({user?.role})</span>
          </summary>
          <div className="menu-body">
            <label className="field" htmlFor="theme">
              Theme
              <select
                id="theme"
                value={theme}
                onChange={(e) => setTheme(e.target.value as Theme)}
                data-testid="app.theme"
              >
                <option value="system">System theme</option>
                <option value="light">Light</option>
                <option value="dark">Dark</option>
              </select>
            </label>
            <button onClick={() => void signOut()} data-testid="app.sign-out">
              Sign out
            </button>
          </div>
        </details>
      </header>
      <nav className="tabs" role="tablist" aria-label="Views">
        {(
          [
            ["machine", "Machine and layout"],
            ["boot", "Boot preview"],
            ["profiles", "Profiles"],
            ["run", "Run"],
            ["audit", "Audit log"],
            ["users", "Users"],
          ] as const
        )
          .filter(([k]) => k !== "users" || user?.role === "admin")
          .map(([k, label]) => (
            <button
              key={k}
              role="tab"
              aria-selected={tab === k}
              onClick={() => setTab(k)}
              data-testid={`tabs.${k}`}
            >
              {label}
            </button>
          ))}
      </nav>
    </>
  );
}

/** A viewer's console is read-only: said once, where the work is. */
function ReadOnlyNote() {
  const ro = useEditGate();
  if (!ro.disabled) return null;
  return (
    <div className="banner info" role="note" data-testid="app.read-only">
      Read-only: {ro.reason}
    </div>
  );
}

function Workspace() {
  const tab = useStore((s) => s.tab);
  const machine = useStore((s) => s.machine);
  const machineError = useStore((s) => s.machineError);
  useShortcuts();
  useFocusJump();
  useEffect(() => startLive(), []);
  return (
    <div className="app">
      <TopBar />
      <DndShell>
        <div className="workspace">
          <main className="main" role="tabpanel" data-testid="app.main">
            <ReadOnlyNote />
            <Notice />
            <StaleHardware />
            <Os1Notice />
            {machineError ? (
              <div className="banner error" role="alert">
                {machineError}
              </div>
            ) : null}
            {!machine && !machineError ? <p className="muted">Loading the machine…</p> : null}
            {tab === "machine" ? (
              <>
                <SelectionBar />
                <CoresView />
                <MemoryView />
                <DevicesView />
              </>
            ) : null}
            {tab === "boot" ? <BootPreview /> : null}
            {tab === "profiles" ? <ProfilesView /> : null}
            {tab === "run" ? <RunView /> : null}
            {tab === "audit" ? <AuditView /> : null}
            {tab === "users" ? <UsersView /> : null}
          </main>
          <aside className="aside" aria-label="Partition" data-testid="app.aside">
            <SlotsView />
            <DiagnosticsView />
          </aside>
        </div>
      </DndShell>
      <ConflictDialog />
      <DiscardDialog />
      <GrubDialog />
      <SessionExpiredDialog />
    </div>
  );
}

export function App() {
  const status = useStore((s) => s.sessionStatus);
  const mustChangePassword = useStore((s) => s.mustChangePassword);
  useTheme();
  useEffect(() => {
    const stop = startPersistence();
    const unroute = followRoute();
    const unwatch = watchSessionExpiry();
    void bootstrap();
    return () => {
      stop();
      unroute();
      unwatch();
    };
  }, []);
  if (status === "unknown")
    return (
      <p className="muted" style={{ padding: 24 }}>
        Connecting to the agent…
      </p>
    );
  if (status === "signed-out") return <LoginView />;
  // The agent answers this session nothing else until its user has chosen a password.
  if (mustChangePassword) return <PasswordChangeView />;
  return <Workspace />;
}
