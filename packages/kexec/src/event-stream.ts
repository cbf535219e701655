// Turns a step body into the contract's event stream: a push queue the consumer pulls from,
// a time limit, cancellation, and exactly one final `result`, whatever the body does.
import { LoaderFailure } from "./errors";
import type { BootPhase, LoaderError, LoaderEvent, StepOptions } from "./types";

export interface StepContext {
  /** Aborted on timeout or cancellation: bodies pass it to processes and timers. */
  signal: AbortSignal;
  phase(phase: BootPhase | "stopping" | "stopped"): void;
  log(line: string, stream?: "stdout" | "stderr" | "loader"): void;
  /** The current phase, for failures that happen in the middle of one. */
  readonly currentPhase: string | undefined;
}

export interface StepHooks {
  /** Called once when the step ends in failure (timeout and cancel included). */
  onFailure?: (error: LoaderError) => void;
}

export const DEFAULT_TIMEOUT_MS = 120_000;

export function step(
  body: (ctx: StepContext) => Promise<void>,
  opts: StepOptions = {},
  hooks: StepHooks = {},
): AsyncIterable<LoaderEvent> {
  return {
    [Symbol.asyncIterator]() {
      return run(body, opts, hooks)[Symbol.asyncIterator]();
    },
  };
}

async function* run(
  body: (ctx: StepContext) => Promise<void>,
  opts: StepOptions,
  hooks: StepHooks,
): AsyncGenerator<LoaderEvent> {
  const queue: LoaderEvent[] = [];
  let wake: (() => void) | null = null;
  let finished = false;
  const push = (e: LoaderEvent) => {
    if (finished) return;
    queue.push(e);
    wake?.();
  };
  const inner = new AbortController();
  let current: string | undefined;
  const ctx: StepContext = {
    signal: inner.signal,
    phase: (phase) => {
      current = phase;
      push({ type: "phase", phase, at: Date.now() });
    },
    log: (line, stream = "loader") => push({ type: "log", stream, line, at: Date.now() }),
    get currentPhase() {
      return current;
    },
  };
  const fail = (error: LoaderError) => {
    if (finished) return;
    hooks.onFailure?.(error);
    push({ type: "result", ok: false, error, at: Date.now() });
    finished = true;
  };
  const limit = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = setTimeout(() => {
    fail({
      code: "LOADER-TIMEOUT",
      message: `the step did not finish within ${limit} ms and was stopped`,
      phase: current,
    });
    inner.abort(new LoaderFailure("LOADER-TIMEOUT", "timeout"));
  }, limit);
  const onAbort = () => {
    fail({ code: "LOADER-CANCELLED", message: "the step was cancelled", phase: current });
    inner.abort(new LoaderFailure("LOADER-CANCELLED", "cancelled"));
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener("abort", onAbort, { once: true });

  if (!finished) {
    body(ctx).then(
      () => {
        if (finished) return;
        push({ type: "result", ok: true, at: Date.now() });
        finished = true;
      },
      (err: unknown) => fail(toLoaderError(err, current)),
    );
  }
  try {
    for (;;) {
      while (queue.length > 0) {
        const e = queue.shift()!;
        yield e;
        if (e.type === "result") return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
    // A consumer that stops reading early cancels the work, so no process is left behind.
    if (!finished) {
      finished = true;
      inner.abort(new LoaderFailure("LOADER-CANCELLED", "consumer stopped reading"));
    }
  }
}

export function toLoaderError(err: unknown, phase: string | undefined): LoaderError {
  if (err instanceof LoaderFailure) {
    return { code: err.code, message: err.message, phase: err.phase ?? phase };
  }
  return {
    code: "LOADER-INTERNAL",
    message: `internal loader error: ${err instanceof Error ? err.message : String(err)}`,
    phase,
  };
}

/** Collects a whole stream: for the CLI and tests. */
export async function collect(stream: AsyncIterable<LoaderEvent>): Promise<LoaderEvent[]> {
  const out: LoaderEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

/** Sleeps for ms, or throws the signal's reason when aborted first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** A FIFO mutex: loads (and starts) are serialized inside each loader. */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();
  private held = false;
  get busy(): boolean {
    return this.held;
  }
  async lock(signal?: AbortSignal): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const prev = this.tail;
    this.tail = prev.then(() => next);
    try {
      await (signal ? Promise.race([prev, abortPromise(signal)]) : prev);
    } catch (err) {
      // Gave up waiting: pass the turn on as soon as it comes, so later callers still run.
      void prev.then(() => release());
      throw err;
    }
    this.held = true;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.held = false;
      release();
    };
  }
}

function abortPromise(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}
