// What each instance will boot with, from core's plan(): OS1's command line and GRUB entry,
// each successor's loader arguments and command line; copy buttons; the whole plan as a
// shell script to download.
import { useEffect, useMemo, useState } from "react";
import { plan, shLine, type PlanOptions, type Profile } from "@tessera/core";
import { ApiError } from "../api/client";
import { agentCommands, type AgentCommands } from "../api/plan";
import { hexAddr, sizeLabel } from "./model/memory";
import { useStore } from "../store";
import { StandInNote } from "../run/stand-in-note";
import { openGrubDialog } from "../os1/os1-actions";

function Code({ id, text }: { id: string; text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="codeblock">
      <pre data-testid={`boot.${id}`}>{text}</pre>
      <button
        className="icon"
        data-testid={`boot.copy-${id}`}
        onClick={() => {
          void navigator.clipboard?.writeText(text).then(() => setCopied(true));
          setTimeout(() => setCopied(false), 1500);
        }}
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}

type AgentPlan =
  | { state: "asking" }
  | { state: "ready"; value: AgentCommands }
  | { state: "failed"; message: string; findings: { instance: string | null; message: string }[] };

/**
 * The loader commands come from the agent: it builds them with packages/kexec and its own
 * loader settings, so the preview shows exactly what it would run. Asked again (debounced)
 * whenever the layout changes; core's plan above stays instant.
 */
function useAgentCommands(draft: Profile, enabled: boolean): AgentPlan {
  const [state, setState] = useState<AgentPlan>({ state: "asking" });
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setState({ state: "asking" });
    const timer = setTimeout(() => {
      agentCommands(draft)
        .then((value) => live && setState({ state: "ready", value }))
        .catch((err: unknown) => {
          if (live) setState({ state: "failed", ...agentRefusal(err) });
        });
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [draft, enabled]);
  return state;
}

/** The agent's reason; with live facts (files, online cores) it may refuse a plan. */
function agentRefusal(err: unknown): {
  message: string;
  findings: { instance: string | null; message: string }[];
} {
  if (!(err instanceof ApiError)) return { message: "The agent did not answer.", findings: [] };
  const diags = (err.body?.diagnostics ?? []) as {
    severity: string;
    instance: string | null;
    message: string;
  }[];
  return { message: err.message, findings: diags.filter((d) => d.severity === "error") };
}

function LoaderCommands({ name, agent }: { name: string; agent: AgentPlan }) {
  if (agent.state === "asking")
    return <p className="muted">Asking the agent for its loader commands…</p>;
  if (agent.state === "failed") {
    // This instance's own findings; another instance's make the whole plan refused.
    const mine = agent.findings.filter((f) => f.instance === name).map((f) => f.message);
    const others = [
      ...new Set(
        agent.findings.filter((f) => f.instance !== name).map((f) => f.instance ?? "the profile"),
      ),
    ];
    const text = mine.length
      ? `The agent refuses this plan: ${mine.join(" ")}`
      : others.length
        ? `The agent refuses this plan because of ${others.join(", ")}.`
        : agent.message;
    return (
      <p className="banner error" role="alert" data-testid={`boot.${name}-argv-error`}>
        {text}
      </p>
    );
  }
  const c = agent.value.commands.find((x) => x.name === name);
  if (!c) return null;
  return (
    <>
      {c.direct ? (
        // The direct loader runs no command to load: it writes these pages itself.
        <Code id={`${name}-direct`} text={c.direct.lines.join("\n")} />
      ) : c.load ? (
        <Code id={`${name}-argv`} text={c.load.map(shLine).join("\n")} />
      ) : (
        <p className="banner warning" data-testid={`boot.${name}-argv-problem`}>
          {c.problem}
        </p>
      )}
      {c.start.length > 0 && <Code id={`${name}-start`} text={c.start.map(shLine).join("\n")} />}
    </>
  );
}

export function BootPreview() {
  const machine = useStore((s) => s.machine);
  const draft = useStore((s) => s.draft);
  const os1 = useStore((s) => s.os1Boot);
  // OS1's kernel, initrd and root default to what the running OS1 booted with, as the agent plans.
  const result = useMemo(() => {
    if (!machine) return null;
    const o: PlanOptions = {};
    if (os1?.kernel) o.os1Kernel = os1.kernel;
    if (os1?.initrd) o.os1Initrd = os1.initrd;
    if (os1?.root) o.os1Root = os1.root;
    return plan(machine, draft, {}, o);
  }, [machine, draft, os1]);
  const agent = useAgentCommands(draft, result?.ok === true);
  if (!result) return <p className="muted">The planner is not available.</p>;
  if (!result.ok) {
    return (
      <div className="banner error" data-testid="boot.blocked" role="alert">
        No boot plan while the layout has errors (
        {result.diagnostics.filter((d) => d.severity === "error").length}). Fix them in the
        validation list.
      </div>
    );
  }
  const p = result.plan;
  const script = agent.state === "ready" ? agent.value.script : null;
  const download = () => {
    if (!script) return;
    const blob = new Blob([script], { type: "text/x-shellscript" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = `${p.profile}-boot.sh`;
    a.click();
    URL.revokeObjectURL(a.href);
  };
  return (
    <div style={{ display: "grid", gap: 12 }} data-testid="boot.preview">
      <div className="row">
        <h2>Boot preview</h2>
        <span className="grow" />
        {agent.state === "ready" && !script && (
          <span className="muted" data-testid="boot.download-problem">
            {agent.value.scriptProblem}
          </span>
        )}
        <button onClick={download} disabled={!script} data-testid="boot.download">
          Download plan as script
        </button>
      </div>
      <section className="panel" data-testid="boot.os1">
        <header>
          <h3>{p.os1.name} · boots from GRUB</h3>
          <span className="muted">
            maxcpus={p.os1.maxcpus} · mem ends at {hexAddr(p.os1.memEnd)} ·{" "}
            {p.os1.reservations.length} memmap reservations
          </span>
        </header>
        <div className="body" style={{ display: "grid", gap: 8 }}>
          <strong>Command line</strong>
          <Code id="os1-cmdline" text={p.os1.cmdline} />
          <div className="row">
            <strong>GRUB entry</strong>
            <span className="grow" />
            <button onClick={openGrubDialog} data-testid="boot.os1-install">
              Install boot entry…
            </button>
          </div>
          {p.os1.grubEntry !== null ? (
            <Code id="os1-grub" text={p.os1.grubEntry} />
          ) : (
            <div className="banner warning" data-testid="boot.os1-grub-unknown">
              {p.diagnostics
                .filter((d) => d.code === "OS1-BOOT-UNKNOWN")
                .map((d) => `${d.message} ${d.hint}`)
                .join(" ")}
            </div>
          )}
        </div>
      </section>
      {p.successors.map((s) => (
        <section className="panel" key={s.name} data-testid={`boot.successor-${s.name}`}>
          <header>
            <h3>{s.name} · started from OS1</h3>
            <span className="muted">
              BSP LAPIC {s.bsp} · {s.cpuCount} cores · {hexAddr(s.memMin)}–{hexAddr(s.memMax)} · low
              slice {hexAddr(s.lowMemory.start)} ({sizeLabel(s.lowMemory.size)}, SIPI 0x
              {s.sipiVector.toString(16)})
            </span>
          </header>
          <div className="body" style={{ display: "grid", gap: 8 }}>
            <StandInNote kernel={s.kernel} testId={`boot.stand-in-${s.name}`} />
            <strong>Loader arguments</strong>
            <span className="muted">
              What the agent runs: the mint loader's argv with the agent&apos;s own settings.
            </span>
            <LoaderCommands name={s.name} agent={agent} />
            <strong>Command line</strong>
            <Code id={`${s.name}-cmdline`} text={s.cmdline} />
          </div>
        </section>
      ))}
    </div>
  );
}
