// A plain command runner for the agent's host tools (GRUB's grub-script-check,
// update-grub, grub-reboot, grub-editenv): argument arrays, never a shell, a time limit, cancellable.
// It lives here because packages/kexec is the only package that spawns processes.
import { spawn } from "node:child_process";

export interface CommandOutcome {
  /** Exit code; null when the command was killed (time limit, cancel, signal). */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  env?: Record<string, string>;
  /** Milliseconds between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

/**
 * Runs argv to completion. Never rejects for the command's own failures: a missing binary
 * answers code 127 and a not-executable one 126 (as a shell would), a time limit or a cancel
 * answers code null with the reason on stderr, so callers report one kind of outcome.
 */
export function runCommand(
  argv: readonly string[],
  opts: CommandOptions = {},
): Promise<CommandOutcome> {
  const [binary, ...args] = argv;
  if (!binary) return Promise.resolve({ code: 127, stdout: "", stderr: "empty command" });
  return new Promise((resolve) => {
    const child = spawn(binary, args, {
      shell: false,
      stdio: ["ignore", "pipe", "pipe"],
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
    });
    let stdout = "";
    let stderr = "";
    let why: string | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const kill = (reason: string) => {
      if (why) return;
      why = reason;
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), opts.killGraceMs ?? 2000);
      killTimer.unref();
    };
    const timer = opts.timeoutMs
      ? setTimeout(() => kill(`${binary} timed out after ${opts.timeoutMs} ms`), opts.timeoutMs)
      : undefined;
    const onAbort = () => kill(`${binary} was cancelled`);
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener("abort", onAbort, { once: true });
    const done = (outcome: CommandOutcome) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      opts.signal?.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    child.on("error", (err: NodeJS.ErrnoException) => {
      const code = err.code === "ENOENT" ? 127 : err.code === "EACCES" ? 126 : 1;
      const what =
        code === 127 ? "command not found" : code === 126 ? "permission denied" : err.message;
      done({ code, stdout, stderr: `${binary}: ${what}` });
    });
    child.on("close", (code, signal) => {
      if (why)
        done({
          code: null,
          stdout,
          stderr: stderr + (stderr && !stderr.endsWith("\n") ? "\n" : "") + why,
        });
      else if (signal)
        done({ code: null, stdout, stderr: stderr + `${binary} was killed by ${signal}` });
      else done({ code: code ?? 1, stdout, stderr });
    });
  });
}
