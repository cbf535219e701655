// What each instance will boot with, from core's plan(): OS1's command line and GRUB entry,
// each successor's loader arguments and command line; copy buttons; the whole plan as a
// shell script to download.
import { useMemo, useState } from "react";
import type { BootPlan, Machine, SuccessorPlan } from "@tessera/core";
import { plan } from "../core-bridge";
import { hexAddr, sizeLabel } from "../model/memory";
import { formatIds } from "../model/topology";
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

/** The Mint-style loader's argv for one successor, as the dry-run and real loaders take it. */
export function loaderArgv(s: SuccessorPlan): string[] {
  return [
    "kexec",
    "-l",
    s.kernel ?? "<kernel>",
    ...(s.initrd ? [`--initrd=${s.initrd}`] : []),
    `--mem-min=${hexAddr(s.memMin).replace(/_/g, "")}`,
    `--mem-max=${hexAddr(s.memMax).replace(/_/g, "")}`,
    `--bsp=${s.bsp}`,
    `--sipi-vector=0x${s.sipiVector.toString(16)}`,
    `--append=${s.cmdline}`,
  ];
}

/**
 * The plan as a shell script: take each successor's cores offline in OS1 (Linux CPU numbers
 * from the machine), then load it with the loader contract's argv. A site whose patched
 * kexec names options differently edits the argv lines.
 */
export function planScript(p: BootPlan, machine: Machine): string {
  const linux = new Map(machine.cpus.map((c) => [c.apicId, c.cpu]));
  const lines = [
    "#!/bin/sh",
    `# Tessera boot plan for profile ${p.profile}`,
    "# OS1 boots from GRUB with:",
    `#   ${p.os1.cmdline}`,
    "set -eu",
    "",
  ];
  for (const s of p.successors) {
    lines.push(`# ${s.name}: cores ${formatIds(s.cpus)} (BSP ${s.bsp}), memory ${hexAddr(s.memMin)}-${hexAddr(s.memMax)}`);
    for (const c of s.cpus) {
      const n = linux.get(c);
      if (n !== undefined && n !== 0) lines.push(`echo 0 > /sys/devices/system/cpu/cpu${n}/online`);
    }
    lines.push(loaderArgv(s).map(sq).join(" "), "");
  }
  return lines.join("\n");
}

export function BootPreview() {
  const machine = useStore((s) => s.machine);
  const draft = useStore((s) => s.draft);
  const result = useMemo(() => (machine ? plan(machine, draft) : null), [machine, draft]);
  if (!result) return <p className="muted">The planner is not available.</p>;
  if (!result.ok) {
    return (
      <div className="banner error" data-testid="boot.blocked" role="alert">
        No boot plan while the layout has errors ({result.diagnostics.filter((d) => d.severity === "error").length}). Fix them in the
        validation list.
      </div>
    );
  }
  const p = result.plan;
  const download = () => {
    const blob = new Blob([planScript(p, machine!)], { type: "text/x-shellscript" });
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
        <button onClick={download} data-testid="boot.download">
          Download plan as script
        </button>
      </div>
      <section className="panel" data-testid="boot.os1">
        <header>
          <h3>{p.os1.name} · boots from GRUB</h3>
          <span className="muted">
            maxcpus={p.os1.maxcpus} · mem ends at {hexAddr(p.os1.memEnd)} · {p.os1.reservations.length} memmap reservations
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
            <h3>
              {s.name} · started from OS1
            </h3>
            <span className="muted">
              BSP LAPIC {s.bsp} · {s.cpuCount} cores · {hexAddr(s.memMin)}–{hexAddr(s.memMax)} · low slice {hexAddr(s.lowMemory.start)} ({sizeLabel(s.lowMemory.size)}, SIPI 0x
              {s.sipiVector.toString(16)})
            </span>
          </header>
          <div className="body" style={{ display: "grid", gap: 8 }}>
            <strong>Loader arguments</strong>
            <span className="muted">Tessera's Mint-style loader contract; the agent's loader settings may rename options.</span>
            <Code id={`${s.name}-argv`} text={loaderArgv(s).map(sq).join(" ")} />
            <strong>Command line</strong>
            <Code id={`${s.name}-cmdline`} text={s.cmdline} />
          </div>
        </section>
      ))}
    </div>
  );
}
