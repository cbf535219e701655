// Where a captured tree starts inside the folder it was given or unpacked to. Apart from
// capture/index.ts, which loads the archive code (node-tar, zlib): `discover --root DIR` on a
// folder needs only this.
import { readdir, stat } from "node:fs/promises";
import { posix } from "node:path";

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
