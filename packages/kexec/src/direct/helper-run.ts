// Runs the native helper with optional bytes on stdin and collects its output as bytes.
import { spawn } from "node:child_process";

export interface HelperOutcome {
  /** Exit code; null when killed (cancel, time limit). */
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export function runHelper(
  argv: readonly string[],
  opts: { input?: Uint8Array; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<HelperOutcome> {
  const [bin, ...args] = argv;
  return new Promise((resolve) => {
    const child = spawn(bin!, args, { shell: false, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let stderr = "";
    let why = "";
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const kill = (reason: string) => {
      why = reason;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(
      () => kill(`timed out after ${opts.timeoutMs ?? 60_000} ms`),
      opts.timeoutMs ?? 60_000,
    );
    const onAbort = () => kill("cancelled");
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const done = (o: HelperOutcome) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      resolve(o);
    };
    child.on("error", (err: NodeJS.ErrnoException) =>
      done({
        code: err.code === "ENOENT" ? 127 : 126,
        stdout: Buffer.alloc(0),
        stderr: `${bin}: ${err.code ?? err.message}`,
      }),
    );
    child.on("close", (code) =>
      done({
        code: why ? null : code,
        stdout: Buffer.concat(out),
        stderr: why ? `${stderr}${bin} ${why}` : stderr,
      }),
    );
    // A helper that fails early closes its stdin; that is reported by its exit status.
    child.stdin.on("error", () => {});
    child.stdin.end(opts.input ? Buffer.from(opts.input) : undefined);
  });
}
