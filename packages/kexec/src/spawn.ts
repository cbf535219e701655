// The only place Tessera starts processes: argument arrays (never a shell), stdout and
// stderr streamed line by line as log events, exit codes and signals mapped to error codes.
import { spawn } from "node:child_process";
import { access, constants, stat } from "node:fs/promises";
import { LoaderFailure } from "./errors";
import type { StepContext } from "./event-stream";

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string[];
  stderr: string[];
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Milliseconds between SIGTERM and SIGKILL when the step is aborted. */
  killGraceMs?: number;
}

/** Checks the binary before spawning, for an error that says what is wrong with it. */
export async function checkExecutable(binary: string, env?: Record<string, string>): Promise<void> {
  if (!binary.includes("/")) {
    const dirs = (env?.PATH ?? process.env.PATH ?? "").split(":").filter(Boolean);
    for (const d of dirs) {
      try {
        await access(`${d}/${binary}`, constants.X_OK);
        return;
      } catch {
        // try the next PATH entry
      }
    }
    throw new LoaderFailure(
      "LOADER-NOT-FOUND",
      `the loader binary ${binary} was not found in PATH`,
    );
  }
  let st;
  try {
    st = await stat(binary);
  } catch {
    throw new LoaderFailure("LOADER-NOT-FOUND", `the loader binary ${binary} does not exist`);
  }
  if (!st.isFile())
    throw new LoaderFailure("LOADER-NOT-EXECUTABLE", `the loader binary ${binary} is not a file`);
  try {
    await access(binary, constants.X_OK);
  } catch {
    throw new LoaderFailure(
      "LOADER-NOT-EXECUTABLE",
      `the loader binary ${binary} is not executable (check its mode and mount options)`,
    );
  }
}

/**
 * Runs argv to completion, streaming its output into ctx as log events. Resolves with the
 * exit status (any code); rejects with LoaderFailure when it cannot start. On ctx.signal the
 * process gets SIGTERM, then SIGKILL after killGraceMs; the step's own result reports why.
 */
export async function runProcess(
  ctx: StepContext,
  argv: readonly string[],
  opts: RunOptions = {},
): Promise<ProcessResult> {
  const [binary, ...args] = argv;
  if (!binary) throw new LoaderFailure("LOADER-INTERNAL", "empty argv");
  await checkExecutable(binary, opts.env);
  ctx.log(`$ ${argv.join(" ")}`);
  return new Promise<ProcessResult>((resolve, reject) => {
    const child = spawn(binary, args, {
      shell: false,
      stdio: ["ignore", "pipe", "pipe"],
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
    });
    const out: ProcessResult = { code: null, signal: null, stdout: [], stderr: [] };
    const lines = (stream: "stdout" | "stderr") => {
      let rest = "";
      return {
        push(chunk: Buffer) {
          rest += chunk.toString("utf8");
          const parts = rest.split("\n");
          rest = parts.pop() ?? "";
          for (const p of parts) emit(p);
        },
        flush() {
          if (rest) emit(rest);
          rest = "";
        },
      };
      function emit(line: string) {
        const l = line.replace(/\r$/, "");
        out[stream].push(l);
        ctx.log(l, stream);
      }
    };
    const so = lines("stdout");
    const se = lines("stderr");
    child.stdout.on("data", (c: Buffer) => so.push(c));
    child.stderr.on("data", (c: Buffer) => se.push(c));
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), opts.killGraceMs ?? 2000);
    };
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener("abort", onAbort, { once: true });
    child.on("error", (err: NodeJS.ErrnoException) => {
      ctx.signal.removeEventListener("abort", onAbort);
      clearTimeout(killTimer);
      if (err.code === "ENOENT")
        reject(new LoaderFailure("LOADER-NOT-FOUND", `the loader binary ${binary} was not found`));
      else if (err.code === "EACCES")
        reject(
          new LoaderFailure(
            "LOADER-NOT-EXECUTABLE",
            `the loader binary ${binary} cannot be executed`,
          ),
        );
      else
        reject(
          new LoaderFailure(
            "LOADER-INTERNAL",
            `could not start ${binary}: ${err.code ?? err.message}`,
          ),
        );
    });
    child.on("close", (code, signal) => {
      ctx.signal.removeEventListener("abort", onAbort);
      clearTimeout(killTimer);
      so.flush();
      se.flush();
      out.code = code;
      out.signal = signal;
      resolve(out);
    });
  });
}

/** Runs argv and throws LOADER-EXIT / LOADER-SIGNAL unless it exits 0. */
export async function runChecked(
  ctx: StepContext,
  argv: readonly string[],
  what: string,
  opts: RunOptions = {},
  mapFailure?: (r: ProcessResult) => LoaderFailure | null,
): Promise<ProcessResult> {
  const r = await runProcess(ctx, argv, opts);
  if (ctx.signal.aborted) throw ctx.signal.reason;
  if (r.code === 0) return r;
  const mapped = mapFailure?.(r);
  if (mapped) throw mapped;
  if (r.signal)
    throw new LoaderFailure("LOADER-SIGNAL", `${what} was killed by ${r.signal}`, ctx.currentPhase);
  throw new LoaderFailure(
    "LOADER-EXIT",
    `${what} failed with exit status ${r.code} (its output is in the log)`,
    ctx.currentPhase,
  );
}
