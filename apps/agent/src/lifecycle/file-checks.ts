// How the agent looks at a kernel or initrd path a user typed. Any viewer can name any path
// (POST /api/validate), so a look must neither hang the agent nor tell what exists:
// - only paths inside the directories the admin allows (--kernel-dir; /boot and the data
//   dir's kernels/) are looked at; for any other path the answer is the same, without a
//   single file system call, whether it exists or not;
// - the file type is checked (stat) before anything opens it: FIFOs, sockets, devices and
//   directories are never opened (open() on a FIFO blocks a thread-pool thread until a
//   writer comes, and four of them stall every login);
// - the open itself is non-blocking and refuses a symlink swapped in after the check, and the
//   open file must be the regular file that was checked;
// - every look has a time limit (a stale network mount can block stat() too).
import { constants } from "node:fs";
import { open, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, resolve, sep } from "node:path";
import type { AgentConfig } from "../config";

export interface FileAccess {
  /** Absolute directories kernel and initrd paths must lie in. */
  dirs: string[];
  /** The longest one look at one file may take. */
  timeoutMs: number;
}

export const FILE_CHECK_TIMEOUT_MS = 2000;

/** The directories the agent reads kernels from: --kernel-dir, else /boot and <data>/kernels. */
export function kernelDirs(cfg: AgentConfig): string[] {
  const dirs = cfg.kernelDirs?.length ? cfg.kernelDirs : ["/boot", join(cfg.dataDir, "kernels")];
  return dirs.map((d) => resolve(d));
}

export function fileAccess(cfg: AgentConfig): FileAccess {
  return { dirs: kernelDirs(cfg), timeoutMs: FILE_CHECK_TIMEOUT_MS };
}

export type FileLook =
  | { ok: true; size: number; head: Buffer }
  /** Outside the allowed directories (or a symlink out of them): nothing was looked at. */
  | { ok: false; kind: "not-allowed" }
  | { ok: false; kind: "missing" }
  /** Inside the allowed directories, and not something to read: the words say why. */
  | { ok: false; kind: "unreadable"; reason: string };

function inside(path: string, dirs: string[]): boolean {
  return dirs.some((d) => path === d || path.startsWith(d.endsWith(sep) ? d : d + sep));
}

function kindOf(st: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device file";
  return "not a regular file";
}

/** Rejects (an Error marked `timeout: true`) when `work` takes longer than `ms`. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(Object.assign(new Error(`${what} took longer than ${ms} ms`), { timeout: true })),
      ms,
    );
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/**
 * Looks at one file: its size and, when `headBytes` > 0, its first bytes. Never opens
 * anything but a regular file inside the allowed directories.
 */
export async function lookAtFile(
  path: string,
  access: FileAccess,
  headBytes: number,
): Promise<FileLook> {
  if (!isAbsolute(path)) return { ok: false, kind: "not-allowed" };
  const lexical = resolve(path);
  if (!inside(lexical, access.dirs)) return { ok: false, kind: "not-allowed" };
  try {
    return await withTimeout(look(lexical, access, headBytes), access.timeoutMs, `reading ${path}`);
  } catch (err) {
    if ((err as { timeout?: boolean }).timeout)
      return {
        ok: false,
        kind: "unreadable",
        reason: `reading it took longer than ${access.timeoutMs} ms`,
      };
    throw err;
  }
}

async function look(path: string, access: FileAccess, headBytes: number): Promise<FileLook> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (err) {
    return fsFailure(err);
  }
  // A symlink inside an allowed directory may point anywhere: follow it only within them.
  const realDirs = await Promise.all(access.dirs.map((d) => realpath(d).catch(() => d)));
  if (!inside(real, realDirs)) return { ok: false, kind: "not-allowed" };
  let st;
  try {
    st = await stat(real);
  } catch (err) {
    return fsFailure(err);
  }
  if (!st.isFile()) return { ok: false, kind: "unreadable", reason: `it is ${kindOf(st)}` };
  if (headBytes <= 0) return { ok: true, size: st.size, head: Buffer.alloc(0) };
  let fh;
  try {
    fh = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (err) {
    return fsFailure(err);
  }
  try {
    const now = await fh.stat();
    // The file opened must be the one checked (not a FIFO renamed over it meanwhile).
    if (!now.isFile() || now.ino !== st.ino || now.dev !== st.dev)
      return { ok: false, kind: "unreadable", reason: "it changed while it was read" };
    const head = Buffer.alloc(Math.min(headBytes, now.size));
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    return { ok: true, size: now.size, head: head.subarray(0, bytesRead) };
  } catch (err) {
    return fsFailure(err);
  } finally {
    await fh.close();
  }
}

function fsFailure(err: unknown): FileLook {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return { ok: false, kind: "missing" };
  if (code === "EACCES" || code === "EPERM")
    return { ok: false, kind: "unreadable", reason: "permission denied" };
  if (code === "ELOOP") return { ok: false, kind: "unreadable", reason: "too many symlinks" };
  return { ok: false, kind: "unreadable", reason: `cannot read it (${code ?? String(err)})` };
}
