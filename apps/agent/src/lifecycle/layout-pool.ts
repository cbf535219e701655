// Core's validate and plan on a worker thread, for the routes any viewer can call with a
// profile of their own (POST /api/validate, /api/plan). Even a profile within the machine's
// limits (profile-limits.ts) can take longer than a few milliseconds to judge; on the event
// loop that time would delay every other user's request. One worker: the machine has few
// cores and the event loop needs one; jobs queue in order.
import { Worker } from "node:worker_threads";

// From the TypeScript sources the worker needs tsx, which layout-worker.mjs registers (a
// worker thread starts without the main thread's loader). The bundle (build/build.mjs) ships
// the worker as its own entry, dist/layout-worker.js, beside the chunk holding this code.
const WORKER = import.meta.url.endsWith(".ts")
  ? new URL("./layout-worker.mjs", import.meta.url)
  : new URL("./layout-worker.js", import.meta.url);
import type { Facts, Machine, PlanOptions, Profile } from "@tessera/core";
import { AgentError } from "../errors";
import type { LayoutAnswer, LayoutJob } from "./layout-jobs";

type Answer = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** Jobs that may wait at once: beyond, a request is told to come back (429). */
export const MAX_WAITING = 32;

export class LayoutPool {
  private worker: Worker | null = null;
  private next = 1;
  private readonly pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void }
  >();

  constructor(private readonly maxWaiting = MAX_WAITING) {}

  validate(
    machine: Machine,
    profile: Profile,
    facts: Facts,
    opts: PlanOptions = {},
  ): Promise<Extract<LayoutAnswer, { kind: "validate" }>> {
    return this.run({ kind: "validate", machine, profile, facts, opts }) as never;
  }

  plan(
    machine: Machine,
    profile: Profile,
    facts: Facts,
    opts: PlanOptions = {},
  ): Promise<Extract<LayoutAnswer, { kind: "plan" }>> {
    return this.run({ kind: "plan", machine, profile, facts, opts }) as never;
  }

  /** Jobs waiting or running (for tests and the log). */
  get busy(): number {
    return this.pending.size;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  private run(job: Omit<LayoutJob, "id">): Promise<unknown> {
    // A flood of drafts from one client must not queue up without end.
    if (this.pending.size >= this.maxWaiting)
      return Promise.reject(
        new AgentError("RATE-LIMITED", {
          message: `${this.pending.size} layouts are being checked already; try again in a moment.`,
        }),
      );
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.spawn().postMessage({ ...job, id });
    });
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER);
    w.on("message", (a: Answer) => {
      const p = this.pending.get(a.id);
      if (!p) return;
      this.pending.delete(a.id);
      if (a.ok) p.resolve(a.result);
      else p.reject(new Error(`layout worker: ${a.error}`));
    });
    // A crashed worker fails what it held; the next job starts a new one.
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = null;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    w.on("error", fail);
    w.on("exit", (code) => fail(new Error(`layout worker exited (${code})`)));
    // Idle, the worker must not keep the process alive.
    w.unref();
    this.worker = w;
    return w;
  }
}
