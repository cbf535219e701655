// Capture: pack exactly the files discovery read (with their bytes as read and symlinks as
// links) into a .tar.gz whose paths are root-relative ("proc/cpuinfo"), so that
// `discover --root` on the unpacked tree sees what the live discovery saw.
import { posix } from "node:path";
import { discoverRecorded, type DiscoverOptions } from "../discovery/index";
import { archiveProblem, tarGz, unpackTar, type TarEntry } from "./tar";

// In its own module so `discover --root DIR` finds the tree without loading the archive code.
export { findTreeRoot } from "./tree-root";

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
