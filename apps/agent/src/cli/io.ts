// Where a command writes and reads. Tests pass their own to capture output.
import { readFile, stat } from "node:fs/promises";

/**
 * Why `path` is not a regular file to read ("is a FIFO"), or null when it is one. Checked
 * before reading: reading a FIFO waits for a writer that may never come, a device may
 * never end.
 */
export async function notRegularFile(path: string): Promise<string | null> {
  const st = await stat(path);
  if (st.isFile()) return null;
  if (st.isDirectory()) return "is a directory";
  if (st.isFIFO()) return "is a FIFO, not a regular file";
  if (st.isSocket()) return "is a socket, not a regular file";
  return "is a device file, not a regular file";
}

/** A regular file's text; any other kind of file is an error with words (code ENOTREG). */
export async function readTextFile(path: string): Promise<string> {
  const why = await notRegularFile(path);
  if (why) throw Object.assign(new Error(why), { code: "ENOTREG" });
  return readFile(path, "utf8");
}

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
    readFile: readTextFile,
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
      return readTextFile(p);
    },
    cwd: process.cwd(),
    env: {},
  };
}
