// What each instance will boot with, from core's plan(): OS1's command line and GRUB entry,
// each successor's loader arguments and command line; copy buttons; the whole plan as a
// shell script to download.
import { useMemo, useState } from "react";
import {
  hex,
  kernelSize,
  profileToJson,
  type BootPlan,
  type Profile,
  type SuccessorPlan,
} from "@tessera/core";
import { request } from "../api/client";
import { plan } from "../core-bridge";
import { hexAddr, sizeLabel } from "../model/memory";
import { useStore } from "../store";

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

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

// The mint loader's default argv contract (packages/kexec argv.ts, DEFAULT_MINT_CONFIG),
// mirrored for display because @tessera/kexec's entry also exports process-spawning loaders
// the browser cannot load. The agent's own script (when it offers one) is preferred.
const MINT = "/usr/local/sbin/mint-kexec";

export function loaderArgv(s: SuccessorPlan): string[] {
  return [
    MINT,
    "-l",
    s.kernel ?? "<kernel: set it on the slot>",
    ...(s.initrd ? [`--initrd=${s.initrd}`] : []),
    `--mem-min=${hex(s.memMin)}`,
    `--mem-max=${hex(s.memMax)}`,
    `--append=${s.cmdline}`,
    `--apic-id=${s.bsp}`,
    ...s.e820.map((e) => `--memmap=${hex(e.start)},${hex(e.size)},${e.type}`),
  ];
}

export function startArgv(s: SuccessorPlan): string[] {
  return [MINT, "-e", `--apic-id=${s.bsp}`];
}

// eslint-disable-next-line no-control-regex -- a newline in a name must never start a command
const oneLine = (text: string) => text.replace(/[\x00-\x1f\x7f]/g, " ");

/**
 * The plan as a shell script, in the same shape as the agent's planToShell: one commented
 * block per successor, its load and start argv safely quoted.
 */
export function planScript(p: BootPlan): string {
  const lines = [
    "#!/bin/sh",
    `# Tessera boot plan for profile ${oneLine(JSON.stringify(p.profile))}.`,
    "# Run in OS1, as root, after OS1 has booted with:",
    `#   ${oneLine(p.os1.cmdline)}`,
    "set -eu",
  ];
  for (const s of p.successors) {
    lines.push(
      "",
      `# --- OS${s.index}: ${oneLine(s.name)} ---`,
      `# cores (LAPIC IDs): ${s.cpus.join(",")}; BSP ${s.bsp}. They must be offline in OS1.`,
      `# memory: ${s.memory.map((r) => `${hex(r.start)}+${kernelSize(r.size)}`).join(", ")}; low slice ${hex(s.lowMemory.start)} (SIPI ${hex(s.sipiVector)})`,
      loaderArgv(s).map(sq).join(" "),
      startArgv(s).map(sq).join(" "),
    );
  }
  return lines.join("\n") + "\n";
}

async function scriptFor(p: BootPlan, profile: Profile): Promise<string> {
  try {
    const res = await request<{ script?: string }>("POST", "/api/plan", {
      profile: profileToJson(profile),
      format: "sh",
    });
    if (typeof res?.script === "string") return res.script;
  } catch {
    // the agent does not offer the script format: build it from core's plan
  }
  return planScript(p);
}

export function BootPreview() {
  const machine = useStore((s) => s.machine);
  const draft = useStore((s) => s.draft);
  const result = useMemo(() => (machine ? plan(machine, draft) : null), [machine, draft]);
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
  const download = async () => {
    const blob = new Blob([await scriptFor(p, draft)], { type: "text/x-shellscript" });
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
        <button onClick={() => void download()} data-testid="boot.download">
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
          <strong>GRUB entry</strong>
          <Code id="os1-grub" text={p.os1.grubEntry} />
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
            <strong>Loader arguments</strong>
            <span className="muted">
              The mint loader's default contract; a site's loader settings may rename options.
            </span>
            <Code id={`${s.name}-argv`} text={loaderArgv(s).map(sq).join(" ")} />
            <Code id={`${s.name}-start`} text={startArgv(s).map(sq).join(" ")} />
            <strong>Command line</strong>
            <Code id={`${s.name}-cmdline`} text={s.cmdline} />
          </div>
        </section>
      ))}
    </div>
  );
}
