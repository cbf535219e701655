// Words for the run view: phases, states and what each action will do. One place, so the
// confirmation dialogs, the timeline and the failure box say the same thing.
import type { InstanceState, InstanceView } from "./run-types";

export const PHASE_LABEL: Record<string, string> = {
  "loading-image": "Loading image",
  purgatory: "Purgatory",
  "ipi-sent": "IPI sent",
  "kernel-booting": "Kernel booting",
  "userspace-up": "Userspace up",
  running: "Running",
};

/** What was going on when a start failed at this phase. */
export const PHASE_MEANING: Record<string, string> = {
  "loading-image": "The loader was placing the kernel and initrd in the instance's own memory.",
  purgatory:
    "The loader was preparing the hand-off stub (purgatory) and the start page below 1 MiB.",
  "ipi-sent": "The loader was waking the instance's boot core with an INIT/SIPI interrupt.",
  "kernel-booting":
    "The new kernel had been handed its cores and was booting; it never reached user space.",
  "userspace-up":
    "The kernel had booted and user space was starting; the guest never reported that it was up.",
  running: "The instance had been running.",
};

export const STATE_LABEL: Record<InstanceState, string> = {
  defined: "Not started",
  queued: "Queued",
  loading: "Loading",
  loaded: "Loaded",
  starting: "Starting",
  booting: "Booting",
  running: "Running",
  stopping: "Stopping",
  stopped: "Stopped",
  failed: "Failed",
  unresponsive: "Unresponsive",
  unknown: "Unknown",
};

export type Tone = "ok" | "busy" | "idle" | "bad" | "warn";
export function stateTone(s: InstanceState): Tone {
  if (s === "running") return "ok";
  if (s === "failed") return "bad";
  if (s === "unresponsive" || s === "unknown") return "warn";
  if (s === "defined" || s === "stopped") return "idle";
  return "busy";
}

const STARTABLE: ReadonlySet<InstanceState> = new Set(["defined", "stopped", "failed"]);
const STOPPABLE: ReadonlySet<InstanceState> = new Set([
  "loading",
  "loaded",
  "starting",
  "booting",
  "running",
  "unresponsive",
]);
const FORCEABLE: ReadonlySet<InstanceState> = new Set([...STOPPABLE, "stopping", "unknown"]);

export const canStart = (v: InstanceView) => v.role === "successor" && STARTABLE.has(v.state);
export const canStop = (v: InstanceView) => v.role === "successor" && STOPPABLE.has(v.state);
export const canForceStop = (v: InstanceView) => v.role === "successor" && FORCEABLE.has(v.state);

/** Why a control is off for this state (the tooltip), or null when it is on. */
export function stateBlocks(
  action: "start" | "stop" | "force-stop",
  v: InstanceView,
): string | null {
  if (v.role === "os1")
    return "OS1 is the host Tessera runs on: it is never started or stopped from here.";
  if (v.state === "queued")
    return action === "start"
      ? `${v.name} is queued: it starts by itself when the start before it ends.`
      : `${v.name} holds nothing yet: cancel its queued start instead.`;
  if (action === "start" && !canStart(v))
    return v.state === "unknown"
      ? `${v.name} may still run: force-stop it before starting again.`
      : `${v.name} is ${STATE_LABEL[v.state].toLowerCase()}; only a stopped, not started or failed instance can start.`;
  if (action === "stop" && !canStop(v)) return `${v.name} is not running.`;
  if (action === "force-stop" && !canForceStop(v)) return `${v.name} holds no cores right now.`;
  return null;
}

export function cpuText(cpus: number[]): string {
  if (!cpus.length) return "no cores";
  const runs: string[] = [];
  let a = cpus[0]!;
  let b = a;
  for (const c of cpus.slice(1)) {
    if (c === b + 1) b = c;
    else {
      runs.push(a === b ? `${a}` : `${a}-${b}`);
      a = b = c;
    }
  }
  runs.push(a === b ? `${a}` : `${a}-${b}`);
  return `${cpus.length} ${cpus.length === 1 ? "core" : "cores"} (LAPIC ${runs.join(", ")})`;
}

/** The confirmation text: what will happen, in order. */
export function consequences(action: "stop" | "force-stop", v: InstanceView): string[] {
  if (action === "stop")
    return [
      `Tessera asks ${v.name}'s guest to shut down cleanly; programs running in ${v.name} end.`,
      `Its ${cpuText(v.cpus)} and its memory stay reserved until ${v.name} reports that it stopped.`,
      "Other instances keep running.",
    ];
  return [
    `The loader halts ${v.name}'s ${cpuText(v.cpus)} at once, without a shutdown: anything ${v.name} had not written to disk is lost.`,
    "Its cores and memory are released for the next start.",
    "Use it when a stop does not finish or the instance hangs. Other instances keep running.",
  ];
}

export function relative(fromIso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(fromIso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}
