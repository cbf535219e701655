// The start coordinator: one state machine per successor of the active profile, driven by
// the loader's event streams (start, stop, force-stop, start-all). Guest reports, heartbeats
// and the reconciliation after a restart: the guest monitor (guests.ts); states and
// transitions: the state store (states.ts). app.ts wires the three together.
import { toJsonValue, type Profile, type SuccessorPlan } from "@tessera/core";
import type { LoaderError, LoaderEvent } from "@tessera/kexec";
import type { InstanceRow, InstanceState } from "../db/instances";
import { AgentError } from "../errors";
import { randomToken } from "../auth/password";
import { livePlan, withGuestOptions, type LivePlan } from "./start-check";
import { planOptions } from "./live-facts";
import type { InstanceView } from "./view";
import type { InstanceStateStore, ManagerDeps, StepsInFlight } from "./states";

export type { ManagerDeps } from "./states";

/** A start waiting for the loader; `before` is the state it goes back to when cancelled. */
interface QueuedStart {
  name: string;
  user: string;
  before: InstanceState;
}

const STARTABLE: ReadonlySet<InstanceState> = new Set(["defined", "stopped", "failed", "loaded"]);
const STOPPABLE: ReadonlySet<InstanceState> = new Set([
  "loaded",
  "starting",
  "booting",
  "running",
  "unresponsive",
]);

export class StartCoordinator {
  private closed = false;
  /**
   * The instance whose load and start steps run now (or that is next, while its start is
   * checked again). Loaders do one kexec operation at a time (the dry-run and mint refuse a
   * second, multikernel queues it unseen), so a second start waits in `queue`, shown as
   * `queued`, and begins when this one's steps end: it never fails half-way for that.
   */
  private starting: string | null = null;
  private readonly queue: QueuedStart[] = [];

  constructor(
    private readonly store: InstanceStateStore,
    private readonly d: ManagerDeps,
    private readonly inFlight: StepsInFlight,
  ) {}

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    for (const c of this.inFlight.values()) c.abort();
  }

  // ------------------------------------------------------------------ start

  /**
   * Re-validates against live facts and starts the load + start steps in the background;
   * while another start runs, queues it instead. `queued`: the queue's own call, when its turn
   * comes (the instance is `queued` then, and is checked again).
   */
  async start(name: string, user: string, queued?: QueuedStart): Promise<InstanceView> {
    const startable = (s: InstanceState | undefined) =>
      s !== undefined && (queued ? s === "queued" : STARTABLE.has(s));
    const act = this.store.active();
    if (!act) throw new AgentError("NO-ACTIVE-PROFILE");
    const idx = act.profile.instances.findIndex((i) => i.name === name);
    if (idx === -1)
      throw new AgentError("INSTANCE-NOT-FOUND", {
        message: `The active profile has no instance ${JSON.stringify(name)}.`,
      });
    if (idx === 0) {
      throw new AgentError("INSTANCE-STATE", {
        message: `${name} is OS1, the host the agent runs in; the bootloader starts it.`,
        current: this.store.view(name),
      });
    }
    const row = this.d.instances.get(name);
    if (!row || !startable(row.state)) {
      this.store.audit(user, "instance.start", name, "refused", `state ${row?.state}`);
      throw new AgentError("INSTANCE-STATE", {
        message:
          row?.state === "queued"
            ? `${name} is already queued: it starts when the start before it ends.`
            : `${name} is ${row?.state ?? "unknown"}: only a stopped instance can start.`,
        current: this.store.view(name),
      });
    }
    const succ = await this.livePlan(act.profile, name);
    if (!succ.ok) {
      this.store.audit(
        user,
        "instance.start",
        name,
        "refused",
        succ.diagnostics.map((d) => d.code).join(","),
      );
      throw new AgentError("START-REFUSED", { diagnostics: succ.diagnostics });
    }
    // Re-check after the awaits above: a concurrent start may have won the race.
    const again = this.d.instances.get(name);
    if (!again || !startable(again.state) || this.inFlight.has(name)) {
      throw new AgentError("INSTANCE-STATE", {
        message: `${name} is already being started.`,
        current: this.store.view(name),
      });
    }
    const holder = this.busyWith(name);
    // A loaded instance holds its image in the loader (locked); a queued one holds nothing,
    // so it is not queued: an operator starts it again once the loader is free.
    if (holder && again.state === "loaded")
      throw new AgentError("INSTANCE-STATE", {
        message: `${name} is loaded and ${holder} is being started: the loader takes one start at a time. Start ${name} again when ${holder} has started.`,
        current: this.store.view(name),
      });
    if (holder) return this.enqueue(name, user, again.state, holder);
    const before = queued?.before ?? again.state;
    const skipLoad = before === "loaded";
    const token = skipLoad && again.token ? again.token : randomToken(24);
    const plan = this.withGuestOptions(succ.plan, token);
    this.store.transition(name, skipLoad ? "loaded" : "loading", {
      profileId: act.id,
      profileVersion: act.version,
      token,
      // The plan in its wire form (core's conversion: bigints as hex strings).
      plan: JSON.stringify(toJsonValue(plan)),
      phase: null,
      lastHeartbeat: null,
      stopRequested: false,
    });
    this.store.audit(user, "instance.start", name, "accepted");
    const ctrl = new AbortController();
    this.inFlight.set(name, ctrl);
    this.starting = name;
    void this.runStart(name, plan, skipLoad, ctrl.signal, user, before).finally(() => {
      if (this.inFlight.get(name) === ctrl) this.inFlight.delete(name);
      if (this.starting === name) this.starting = null;
      this.pump();
    });
    return this.store.view(name);
  }

  /** The instance holding the loader for a start, when it is not `name`. */
  busyWith(name?: string): string | null {
    return this.starting && this.starting !== name ? this.starting : null;
  }

  private enqueue(name: string, user: string, before: InstanceState, holder: string): InstanceView {
    this.queue.push({ name, user, before });
    const ahead = this.queue.length - 1;
    this.store.transition(name, "queued", {
      reason: `Waiting for ${holder} to start${ahead ? ` (and ${ahead} more queued before it)` : ""}: the loader takes one start at a time. ${name} starts by itself then, checked again first.`,
      phase: null,
    });
    this.store.audit(user, "instance.start", name, "queued", `behind ${holder}`);
    return this.store.view(name);
  }

  /** The next queued start, once the loader is free; one that cannot start goes back. */
  private pump(): void {
    if (this.closed || this.starting) return;
    const next = this.queue.shift();
    if (!next) return;
    if (this.d.instances.get(next.name)?.state !== "queued") return this.pump(); // cancelled, gone
    this.starting = next.name; // reserved while its start is checked again
    void this.start(next.name, next.user, next).catch((err: unknown) => {
      if (this.starting === next.name) this.starting = null;
      if (this.d.instances.get(next.name)?.state === "queued") {
        // A refusal's errors in words (its warnings would not have stopped it).
        const errors = err instanceof AgentError ? (err.extra.diagnostics ?? []) : [];
        const why =
          err instanceof AgentError
            ? errors.some((d) => d.severity === "error")
              ? errors
                  .filter((d) => d.severity === "error")
                  .map((d) => d.message)
                  .join(" ")
              : err.message
            : "it failed inside the agent; see its log.";
        this.store.transition(next.name, settledState(next.before), {
          reason: `The queued start did not begin: ${why}`,
          phase: null,
        });
      }
      if (!(err instanceof AgentError)) this.d.log?.error({ err, name: next.name }, "queued start");
      this.pump();
    });
  }

  /** A queued start taken back (stop or force-stop of a queued instance): nothing ran. */
  private cancelQueued(name: string, user: string): InstanceView {
    const i = this.queue.findIndex((q) => q.name === name);
    const q = i >= 0 ? this.queue.splice(i, 1)[0] : undefined;
    this.store.transition(name, settledState(q?.before ?? "stopped"), {
      reason: `${user} cancelled the queued start; nothing of ${name} was loaded.`,
      phase: null,
    });
    this.store.audit(user, "instance.start", name, "cancelled");
    return this.store.view(name);
  }

  /** The plan of one successor, checked against live facts and the instances that may run. */
  private livePlan(profile: Profile, name: string): Promise<LivePlan> {
    return livePlan(
      this.d.machine(),
      profile,
      name,
      this.store.held(),
      this.d.files,
      this.d.live,
      planOptions(this.d.loader.kind),
    );
  }

  private withGuestOptions(s: SuccessorPlan, token: string): SuccessorPlan {
    return withGuestOptions(s, token, this.d.controllerUrl?.());
  }

  private async runStart(
    name: string,
    plan: SuccessorPlan,
    skipLoad: boolean,
    signal: AbortSignal,
    user: string,
    before: InstanceState,
  ): Promise<void> {
    try {
      if (!skipLoad) {
        const loaded = await this.drive(
          name,
          this.d.loader.load(plan, { signal }),
          "loading",
          signal,
        );
        if (signal.aborted || this.closed) return;
        if (!loaded.ok && loaded.error.code === "LOADER-BUSY")
          return void this.busy(name, loaded.error, user, before);
        if (!loaded.ok) return void this.fail(name, loaded.error, user);
        this.store.transition(name, "loaded", { phase: this.d.instances.get(name)?.phase ?? null });
      }
      const started = await this.drive(
        name,
        this.d.loader.start(name, { signal }),
        "starting",
        signal,
      );
      if (signal.aborted || this.closed) return;
      if (!started.ok) return void this.fail(name, started.error, user);
      const cur = this.d.instances.get(name);
      // Real loaders end after the IPI: the instance boots until its guest reports back.
      if (cur && cur.state !== "running")
        this.store.transition(name, "booting", { phase: cur.phase });
      this.store.audit(
        user,
        "instance.result",
        name,
        cur?.state === "running" ? "running" : "booting",
      );
    } catch (err) {
      this.d.log?.error({ err, name }, "start failed unexpectedly");
      if (!this.closed)
        this.fail(
          name,
          { code: "LOADER-FAULT", message: "The start failed inside the agent; see its log." },
          user,
        );
    }
  }

  /**
   * The loader was busy with something the agent did not start (another tool, or an image
   * another loader client left loaded): nothing of this instance was loaded, so it goes back
   * to where it was, not to failed.
   */
  private busy(name: string, error: LoaderError, user: string, before: InstanceState): void {
    this.store.transition(name, before === "defined" ? "defined" : "stopped", {
      reason: `The loader was busy, so nothing of ${name} was loaded: ${error.message}. Start it again when the loader is free.`,
      phase: null,
    });
    this.store.audit(user, "instance.result", name, "busy", `${error.code}: ${error.message}`);
  }

  private fail(name: string, error: LoaderError, user: string): void {
    this.store.transition(name, "failed", {
      reason: error.message,
      phase: error.phase ?? this.d.instances.get(name)?.phase ?? null,
    });
    this.store.audit(user, "instance.result", name, "failed", `${error.code}: ${error.message}`);
  }

  /** Follows one loader step; maps boot phases to states; logs go out as log events. */
  private async drive(
    name: string,
    stream: AsyncIterable<LoaderEvent>,
    base: InstanceState,
    signal?: AbortSignal,
  ): Promise<{ ok: true } | { ok: false; error: LoaderError }> {
    for await (const ev of stream) {
      if (this.closed) break;
      // After a force-stop took over, a cancelled start's late events change nothing.
      if (signal?.aborted && ev.type !== "result") continue;
      if (ev.type === "log") {
        this.store.logLine(name, ev.stream, ev.line, new Date(ev.at).toISOString());
      } else if (ev.type === "phase") {
        const state = phaseState(ev.phase, base);
        const cur = this.d.instances.get(name);
        const patch: Partial<InstanceRow> = { phase: ev.phase };
        if (state === "running") patch.lastHeartbeat = new Date(ev.at).toISOString();
        if (cur && (cur.state !== state || cur.phase !== ev.phase))
          this.store.transition(name, state, patch);
      } else if (ev.type === "result") {
        return ev.ok ? { ok: true } : { ok: false, error: ev.error };
      }
    }
    return {
      ok: false,
      error: { code: "LOADER-FAULT", message: "The loader ended without a result." },
    };
  }

  // ------------------------------------------------------------------ stop

  async stop(name: string, user: string, force = false): Promise<InstanceView> {
    const view = this.store.view(name);
    if (view.role === "os1")
      throw new AgentError("INSTANCE-STATE", {
        message: `${name} is OS1, the host the agent runs in.`,
        current: view,
      });
    const row = this.d.instances.get(name);
    if (row?.state === "queued") return this.cancelQueued(name, user);
    const ok =
      row &&
      (force ? row.state !== "defined" && row.state !== "stopped" : STOPPABLE.has(row.state));
    if (!row || !ok) {
      this.store.audit(
        user,
        force ? "instance.force-stop" : "instance.stop",
        name,
        "refused",
        `state ${row?.state}`,
      );
      throw new AgentError("INSTANCE-STATE", {
        message: `${name} is ${row?.state ?? "unknown"}: there is nothing to ${force ? "force-stop" : "stop"}.`,
        current: view,
      });
    }
    if (force) this.inFlight.get(name)?.abort();
    this.store.transition(name, "stopping", {
      stopRequested: true,
      phase: row.phase,
      token: row.token,
      lastHeartbeat: row.lastHeartbeat,
    });
    this.store.audit(user, force ? "instance.force-stop" : "instance.stop", name, "accepted");
    const ctrl = new AbortController();
    this.inFlight.set(name, ctrl);
    const stream = force
      ? this.d.loader.forceStop(name, { signal: ctrl.signal })
      : this.d.loader.stop(name, { signal: ctrl.signal });
    void this.drive(name, stream, "stopping")
      .then((r) => {
        if (this.closed) return;
        if (r.ok) {
          this.store.transition(name, "stopped", { phase: "stopped", stopRequested: false });
          this.store.audit(user, "instance.result", name, "stopped");
        }
        if (!r.ok) {
          this.store.transition(name, "unknown", {
            reason: `${force ? "Force-stop" : "Stop"} failed: ${r.error.message} Force-stop it.`,
            phase: r.error.phase ?? null,
          });
          this.store.audit(
            user,
            "instance.result",
            name,
            "failed",
            `${r.error.code}: ${r.error.message}`,
          );
        }
      })
      .finally(() => {
        if (this.inFlight.get(name) === ctrl) this.inFlight.delete(name);
      });
    return this.store.view(name);
  }

  /** Starts every stopped successor in profile order, each after the previous runs. */
  async startAll(user: string): Promise<InstanceView[]> {
    const act = this.store.active();
    if (!act) throw new AgentError("NO-ACTIVE-PROFILE");
    const names = act.profile.instances
      .slice(1)
      .map((i) => i.name)
      .filter((n) => STARTABLE.has(this.d.instances.get(n)?.state ?? "defined"));
    this.store.audit(user, "instance.start-all", names.join(","), "accepted");
    const first = names.shift();
    if (first) await this.start(first, user);
    void (async () => {
      let prev = first;
      for (const n of names) {
        if (!prev || !(await this.waitSettled(prev))) return;
        try {
          await this.start(n, user);
        } catch (err) {
          this.d.log?.warn({ err, name: n }, "start-all stopped");
          return;
        }
        prev = n;
      }
    })();
    return this.store.list().instances;
  }

  /** Waits until an instance leaves the transient start states (queued too); true when it runs. */
  private async waitSettled(name: string): Promise<boolean> {
    for (;;) {
      if (this.closed) return false;
      const s = this.d.instances.get(name)?.state;
      if (s === "running") return true;
      if (
        s !== "queued" &&
        s !== "loading" &&
        s !== "loaded" &&
        s !== "starting" &&
        s !== "booting"
      )
        return false;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Where a start that never began goes back to: a failed run is over, so stopped. */
function settledState(before: InstanceState): InstanceState {
  return before === "failed" || before === "queued" ? "stopped" : before;
}

function phaseState(phase: string, base: InstanceState): InstanceState {
  switch (phase) {
    case "ipi-sent":
      return "starting";
    case "kernel-booting":
    case "userspace-up":
      return "booting";
    case "running":
      return "running";
    case "stopped":
      return "stopping";
    default:
      return base;
  }
}
