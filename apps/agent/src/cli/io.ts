// Where a command writes and reads. Tests pass their own to capture output.
import { readFile } from "node:fs/promises";

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): Promise<string>;
  cwd: string;
  env: Record<string, string | undefined>;
}

export function processIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t.endsWith("\n") ? t : t + "\n"),
    err: (t) => process.stderr.write(t.endsWith("\n") ? t : t + "\n"),
    readFile: (p) => readFile(p, "utf8"),
    cwd: process.cwd(),
    env: process.env,
  };
}

/** Collects output in memory: for tests. */
export function memoryIo(
  files: Record<string, string> = {},
): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    readFile: async (p) => {
      if (p in files) return files[p]!;
      return readFile(p, "utf8");
    },
    cwd: process.cwd(),
    env: {},
  };
}
