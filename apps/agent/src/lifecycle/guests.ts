// The guest monitor: reports from `tessera guest` inside a successor (or the dry-run's
// simulated guest), the heartbeat watch that turns a silent instance unresponsive, and the
// reconciliation of persisted states with the loader's status after an agent restart. It
// changes states only through the state store.
// Contract: a heartbeat is persisted (lastHeartbeat) before it is announced live.
import { timingSafeEqual } from "node:crypto";
import type { GuestEvent } from "@tessera/kexec";
import { AgentError } from "../errors";
import { LOCKED_STATES } from "@tessera/core";
import { reconcileRow } from "./reconcile";
import type { InstanceStateStore, ManagerDeps, StepsInFlight } from "./states";

/** A booting instance must report boot completion within BOOT_FACTOR x the heartbeat timeout. */
const BOOT_FACTOR = 4;

export class GuestMonitor {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: InstanceStateStore,
    private readonly d: ManagerDeps,
    /** The start coordinator's steps: a booting instance with a step in flight is not silent. */
    private readonly inFlight: Pick<StepsInFlight, "has">,
  ) {
    const t = d.heartbeatTimeoutMs ?? 0;
    if (t > 0) {
      this.timer = setInterval(() => this.checkHeartbeats(t), Math.max(100, Math.min(1000, t / 3)));
      this.timer.unref();
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** A report from `tessera guest` (or the dry-run's simulated guest). Returns whether to stop. */
  guest(
    e: { name: string; type: GuestEvent["type"] | "stopped"; at?: number; reason?: string },
    token?: string,
  ): { stop: boolean } {
    const row = this.d.instances.get(e.name);
    if (token !== undefined && !tokenMatches(row?.token ?? null, token)) {
      throw new AgentError("AUTH-FAILED", {
        message: "This guest token is not valid for this boot of the instance.",
      });
    }
    // The token of the last boot stays valid after a stop (a new start replaces it): a
    // guest still reporting for an instance that is meant to be down is told to stop.
    if (!row || !LOCKED_STATES.has(row.state))
      return { stop: row?.state === "stopped" || row?.state === "failed" };
    const at = new Date(e.at ?? this.store.now()).toISOString();
    if (e.type === "crashed")
      this.store.transition(e.name, "failed", {
        reason: e.reason
          ? `${e.name} failed: ${e.reason}`
          : `${e.name} crashed while running (reported by its guest).`,
        phase: row.phase,
      });
    else if (e.type === "stopped")
      this.store.transition(e.name, "stopped", { phase: "stopped", stopRequested: false });
    else if (
      e.type === "boot-complete" &&
      (row.state === "booting" || row.state === "starting" || row.state === "unresponsive")
    ) {
      this.store.transition(e.name, "running", { phase: "running", lastHeartbeat: at });
    } else if (row.state === "unresponsive")
      this.store.transition(e.name, "running", { phase: row.phase, lastHeartbeat: at });
    else {
      this.d.instances.put({ ...row, lastHeartbeat: at });
      if (e.type === "heartbeat") this.d.hub.guestHeartbeat(e.name, at);
    }
    return { stop: row.stopRequested };
  }

  /**
   * Running instances must heartbeat within timeoutMs; a booting one (a real loader's start
   * ends at the IPI) must report boot completion within BOOT_FACTOR x timeoutMs. Silence
   * makes it unresponsive, which lets force-stop act.
   */
  private checkHeartbeats(timeoutMs: number): void {
    const now = this.store.now();
    for (const r of this.d.instances.all()) {
      let reason: string | null = null;
      if (r.state === "running") {
        const last = Date.parse(r.lastHeartbeat ?? r.since);
        if (now - last > timeoutMs) {
          reason = `No heartbeat from ${r.name} for ${Math.round((now - last) / 1000)} s: it may have hung. Force-stop acts.`;
        }
      } else if (r.state === "booting" && !this.inFlight.has(r.name)) {
        const since = Date.parse(r.since);
        if (now - since > BOOT_FACTOR * timeoutMs) {
          reason = `${r.name} has not reported boot completion ${Math.round((now - since) / 1000)} s after its start: its kernel may have hung in early boot, or it runs no tessera guest. Force-stop acts.`;
        }
      }
      if (reason) this.store.transition(r.name, "unresponsive", { reason, phase: r.phase });
    }
  }

  /** After an agent restart: every persisted state against the loader's own status. */
  async reconcile(): Promise<void> {
    const statuses = new Map(
      (await this.d.loader.statusAll().catch(() => [])).map((s) => [s.name, s]),
    );
    // An instance the loader holds but the database does not know (a lost or replaced
    // data directory): adopt it, so it is shown and never started twice.
    for (const st of statuses.values()) {
      if (this.d.instances.get(st.name) || st.state === "absent" || st.state === "stopped")
        continue;
      this.d.instances.put({
        name: st.name,
        profileId: null,
        profileVersion: null,
        state: "defined",
        reason: null,
        phase: null,
        since: this.store.iso(),
        token: null,
        lastHeartbeat: null,
        stopRequested: false,
        plan: null,
      });
    }
    for (const row of this.d.instances.all()) {
      const st =
        statuses.get(row.name) ?? (await this.d.loader.status(row.name).catch(() => undefined));
      const next = reconcileRow(row, st);
      if (next)
        this.store.transition(row.name, next.state, {
          ...next.patch,
          token: row.token,
          lastHeartbeat: row.lastHeartbeat,
        });
    }
  }
}

function tokenMatches(expected: string | null, given: string): boolean {
  if (!expected) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
