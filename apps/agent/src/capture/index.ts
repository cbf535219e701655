// Capture: pack exactly the files discovery read (with their bytes as read and symlinks as
// links) into a .tar.gz whose paths are root-relative ("proc/cpuinfo"), so that
// `discover --root` on the unpacked tree sees what the live discovery saw.
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { posix } from "node:path";
import { discoverRecorded, type DiscoverOptions } from "../discovery/index";
import { readTar, tarGz, type TarEntry } from "./tar";

export { tarBytes, tarGz, readTar } from "./tar";
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
    archive: tarGz([...dirEntries, ...entries], options.mtime ?? Math.floor(Date.now() / 1000)),
    files: result.files,
    problems: result.problems,
  };
}

/** Unpacks a capture archive into DIR (files, links, directories only; no absolute or .. paths). */
export async function unpackCapture(archive: Buffer, dir: string): Promise<number> {
  const entries = readTar(archive);
  let n = 0;
  for (const e of entries) {
    const rel = posix.normalize(e.path);
    if (rel.startsWith("/") || rel.startsWith(".."))
      throw new Error(`archive entry ${JSON.stringify(e.path)} leaves the directory`);
    const dest = posix.join(dir, rel);
    if (e.type === "dir") {
      await mkdir(dest, { recursive: true });
      continue;
    }
    await mkdir(posix.dirname(dest), { recursive: true });
    if (e.type === "file") await writeFile(dest, e.data);
    else await symlink(e.target, dest);
    n++;
  }
  return n;
}
