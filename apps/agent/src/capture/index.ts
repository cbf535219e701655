// Capture: pack exactly the files discovery read (with their bytes as read and symlinks as
// links) into a .tar.gz whose paths are root-relative ("proc/cpuinfo"), so that
// `discover --root` on the unpacked tree sees what the live discovery saw.
import { readdir, stat } from "node:fs/promises";
import { posix } from "node:path";
import { discoverRecorded, type DiscoverOptions } from "../discovery/index";
import { archiveProblem, tarGz, unpackTar, type TarEntry } from "./tar";

export { packTar, tarGz, readTar, archiveProblem } from "./tar";
export type { TarEntry } from "./tar";

export interface CaptureResult {
  archive: Buffer;
  files: string[];
  problems: { path: string; message: string }[];
}

export async function captureMachine(
  options: DiscoverOptions & { mtime?: number } = {},
): Promise<CaptureResult> {
  const result = await discoverRecorded(options);
  const entries: TarEntry[] = [];
  const dirs = new Set<string>();
  const addDirs = (p: string) => {
    for (let d = posix.dirname(p); d !== "." && d !== "" && !dirs.has(d); d = posix.dirname(d))
      dirs.add(d);
  };
  const strip = (p: string) => p.replace(/^\/+/, "");
  for (const [p, data] of result.record.files) {
    entries.push({ type: "file", path: strip(p), data });
    addDirs(strip(p));
  }
  for (const [p, target] of result.record.links) {
    entries.push({ type: "symlink", path: strip(p), target });
    addDirs(strip(p));
  }
  const dirEntries: TarEntry[] = [...dirs].sort().map((d) => ({ type: "dir", path: d }));
  entries.sort((a, b) => a.path.localeCompare(b.path));
  return {
    archive: await tarGz(
      [...dirEntries, ...entries],
      options.mtime ?? Math.floor(Date.now() / 1000),
    ),
    files: result.files,
    problems: result.problems,
  };
}

/**
 * Unpacks a capture archive into DIR (files, links, directories only; nothing may leave DIR).
 * Throws an Error whose message says what is wrong with the archive itself.
 */
export async function unpackCapture(archive: Buffer, dir: string): Promise<number> {
  const problem = archiveProblem(archive);
  if (problem) throw new Error(problem);
  return unpackTar(archive, dir);
}

/**
 * Where the captured tree starts: DIR itself when it holds proc/ or sys/, else its one
 * subdirectory that does (hwloc-gather-topology and many hand-made tarballs put the tree
 * under a top folder). Null when neither: `entries` then lists what DIR holds.
 */
export async function findTreeRoot(
  dir: string,
): Promise<{ root: string | null; entries: string[] }> {
  const isDir = (p: string) =>
    stat(p).then(
      (s) => s.isDirectory(),
      () => false,
    );
  const hasTree = async (p: string) =>
    (await isDir(posix.join(p, "proc"))) || (await isDir(posix.join(p, "sys")));
  const entries = (await readdir(dir).catch(() => [] as string[])).sort();
  if (await hasTree(dir)) return { root: dir, entries };
  const dirs: string[] = [];
  for (const e of entries) if (await isDir(posix.join(dir, e))) dirs.push(e);
  const inner: string[] = [];
  for (const d of dirs) if (await hasTree(posix.join(dir, d))) inner.push(d);
  return { root: inner.length === 1 ? posix.join(dir, inner[0]!) : null, entries };
}
