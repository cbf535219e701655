// What an instance's persisted state becomes after an agent restart, given the loader's
// own status. Rule: never forget an instance that may run, never claim what cannot be
// known: when the loader cannot tell, the state is `unknown` and the resources stay locked
// until someone force-stops it.
import type { LoaderStatus } from "@tessera/kexec";
import type { InstanceRow, InstanceState } from "../db/instances";

export interface Reconciled {
  state: InstanceState;
  patch: Partial<InstanceRow>;
}

const SETTLED: ReadonlySet<InstanceState> = new Set(["defined", "stopped", "failed"]);

export function reconcileRow(row: InstanceRow, st: LoaderStatus | undefined): Reconciled | null {
  const n = row.name;
  // The queue lives in the agent's memory: a start that waited in it is gone with it. Unless
  // the loader holds the instance (a queued start of a loaded one), nothing of it ran.
  if (row.state === "queued" && (!st || !["loaded", "starting", "running"].includes(st.state)))
    return {
      state: "stopped",
      patch: {
        phase: null,
        reason: `The agent restarted while ${n} waited to start; that queued start was dropped. Start it again.`,
      },
    };
  if (!st) {
    if (SETTLED.has(row.state)) return null;
    return {
      state: "unknown",
      patch: {
        reason: `The agent restarted and the loader could not report on ${n}; it may still run. Force-stop it before starting again.`,
      },
    };
  }
  const detail = st.detail ? ` (${st.detail})` : "";
  switch (st.state) {
    case "running":
      if (row.state === "running" || row.state === "unresponsive") return null;
      return {
        state: "running",
        patch: { phase: "running", reason: `Found running after the agent restarted${detail}.` },
      };
    case "loaded":
      if (row.state === "loaded") return null;
      return {
        state: "loaded",
        patch: {
          phase: st.phase ?? row.phase,
          reason: `The agent restarted after ${n} was loaded; start it again or force-stop it${detail}.`,
        },
      };
    case "starting":
    case "stopping":
    case "unknown":
      return {
        state: "unknown",
        patch: {
          phase: st.phase ?? row.phase,
          reason: `The agent restarted while ${n} was ${row.state}; the loader cannot tell how that ended${detail}. Force-stop it before starting again.`,
        },
      };
    case "failed":
      if (row.state === "failed") return null;
      return {
        state: "failed",
        patch: { phase: st.phase ?? row.phase, reason: `The loader reports ${n} failed${detail}.` },
      };
    case "absent":
    case "stopped":
      if (SETTLED.has(row.state)) return null;
      if (row.state === "stopping")
        return { state: "stopped", patch: { phase: "stopped", reason: null } };
      if (row.state === "running" || row.state === "unresponsive") {
        return {
          state: "stopped",
          patch: { phase: "stopped", reason: `${n} stopped while the agent was down${detail}.` },
        };
      }
      return {
        state: "failed",
        patch: {
          phase: row.phase,
          reason: `The start of ${n} was interrupted by an agent restart; the loader holds nothing of it${detail}.`,
        },
      };
  }
}
