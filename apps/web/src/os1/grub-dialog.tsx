// OS1's boot entry: the diff against the installed file, Install, and "Boot it once on next
// reboot" (grub-reboot). Every role sees the diff; only an admin may install or select it,
// the others see those buttons disabled with the reason. The commands the agent ran are shown.
import { useEffect, useRef, useState } from "react";
import type { GrubPreview } from "@tessera/core";
import { ApiError } from "../api/client";
import { bootGrubOnce, getGrubPreview, installGrub } from "../api/os1";
import { errorText } from "../ui/error-text";
import { closeModal, openModal } from "../ui/modal";
import { useGate } from "../session/roles";
import { useStore } from "../store";
import { closeGrubDialog, refreshOs1 } from "./os1-actions";

type Failure = { text: string; hint?: string; findings: string[] };

function failure(e: unknown): Failure {
  const { text, hint } = errorText(e);
  const findings =
    e instanceof ApiError ? (e.body?.diagnostics ?? []).map((d) => `${d.message} ${d.hint}`) : [];
  return { text, ...(hint ? { hint } : {}), findings };
}

function FailureBox({ f, id }: { f: Failure; id: string }) {
  return (
    <div className="banner error" role="alert" data-testid={id}>
      <div className="grow">
        <strong>{f.text}</strong>
        {f.hint ? <span> {f.hint}</span> : null}
        {f.findings.length ? (
          <ul>
            {f.findings.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}

const shown = (commands: string[][]) => commands.map((c) => c.join(" ")).join("\n");

export function GrubDialog() {
  const open = useStore((s) => s.grubOpen);
  const active = useStore((s) => s.profiles.find((p) => p.active) ?? null);
  const draftName = useStore((s) => s.draft.name);
  const admin = useGate("admin", "install OS1's boot entry");
  const ref = useRef<HTMLDialogElement | null>(null);
  const [preview, setPreview] = useState<GrubPreview | null>(null);
  const [problem, setProblem] = useState<Failure | null>(null);
  const [busy, setBusy] = useState<"install" | "once" | null>(null);
  const [ran, setRan] = useState<{ what: "install" | "once"; commands: string[][] } | null>(null);

  const load = async () => {
    setProblem(null);
    try {
      setPreview(await getGrubPreview());
    } catch (e) {
      setPreview(null);
      setProblem(failure(e));
    }
  };
  useEffect(() => {
    if (open && ref.current) openModal(ref.current);
    if (!open) closeModal(ref.current);
    if (open) {
      setRan(null);
      void load();
    }
  }, [open]);
  if (!open) return null;

  const upToDate = preview !== null && preview.found && preview.diff === "";
  const act = async (what: "install" | "once") => {
    setBusy(what);
    setProblem(null);
    try {
      const r = what === "install" ? await installGrub() : await bootGrubOnce();
      setRan({ what, commands: r.commands });
      await load();
      void refreshOs1();
    } catch (e) {
      setProblem(failure(e));
    } finally {
      setBusy(null);
    }
  };
  const installBlock =
    admin.reason ??
    (!preview
      ? "The entry is not known yet."
      : !preview.found
        ? "No GRUB on this machine: add the entry by hand."
        : upToDate
          ? "The installed entry is already this one."
          : null);
  const onceBlock =
    admin.reason ??
    (upToDate ? null : "Install the entry first: GRUB boots only what is installed.");

  return (
    <dialog
      ref={ref}
      className="conflict"
      aria-labelledby="grub-h"
      data-testid="grub.dialog"
      onCancel={(e) => {
        e.preventDefault();
        closeGrubDialog();
      }}
    >
      <h2 id="grub-h">OS1&apos;s boot entry</h2>
      <p className="muted" data-testid="grub.source">
        Made from the active profile
        {active ? ` ${active.name} (version ${active.version})` : ""} as saved, with OS1&apos;s
        kernel, initrd and root from its slot, or else those the running OS1 booted with.
        {active && active.name !== draftName
          ? ` The editor shows ${draftName}: save and activate it to install its entry.`
          : ""}
      </p>
      {problem ? <FailureBox f={problem} id="grub.error" /> : null}
      {preview ? (
        <div style={{ display: "grid", gap: 8 }}>
          <div>
            <strong>{upToDate ? "Installed" : "Changes to"}</strong>{" "}
            <code data-testid="grub.file">{preview.file}</code>
          </div>
          <pre className="codeblock-text" data-testid="grub.diff" tabIndex={0}>
            {upToDate ? preview.content : preview.diff}
          </pre>
          {preview.manual ? (
            <p className="banner warning" data-testid="grub.manual">
              {preview.manual.split("\n")[0]}
            </p>
          ) : null}
        </div>
      ) : problem ? null : (
        <p className="muted">Asking the agent for the entry…</p>
      )}
      {ran ? (
        <div className="banner ok" role="status" data-testid={`grub.ran-${ran.what}`}>
          <div className="grow">
            <strong>
              {ran.what === "install"
                ? "Installed. The agent ran:"
                : "OS1 boots the Tessera entry at its next reboot, once. The agent ran:"}
            </strong>
            <pre data-testid="grub.commands">{shown(ran.commands) || "(no command)"}</pre>
            {ran.what === "once"
              ? "Reboot OS1 to run with the profile's options; the default entry stays as it was."
              : null}
          </div>
        </div>
      ) : null}
      <div className="row" style={{ justifyContent: "flex-end", marginTop: 12, flexWrap: "wrap" }}>
        <button onClick={closeGrubDialog} data-testid="grub.close">
          Close
        </button>
        <button
          onClick={() => void act("once")}
          disabled={!!onceBlock || busy !== null}
          title={onceBlock ?? "Runs grub-reboot: the next reboot only"}
          data-testid="grub.boot-once"
        >
          {busy === "once" ? "Selecting…" : "Boot it once on next reboot"}
        </button>
        <button
          className="primary"
          onClick={() => void act("install")}
          disabled={!!installBlock || busy !== null}
          title={installBlock ?? "Writes the entry, checks it and regenerates grub.cfg"}
          data-testid="grub.install"
        >
          {busy === "install" ? "Installing…" : "Install"}
        </button>
      </div>
      {installBlock && admin.reason ? (
        <p className="muted" data-testid="grub.reason">
          {admin.reason}
        </p>
      ) : null}
    </dialog>
  );
}
