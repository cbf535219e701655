// Capture archives through node-tar (the `tar` package npm itself uses): its writer makes
// ustar with pax records for long names, its reader knows GNU and pax extensions, and its
// unpacker refuses paths that leave the target directory and links planted to escape it.
// Here only the in-memory entry list (what discovery read) and the checks that turn a wrong
// file into a sentence about that file.
import { gunzipSync } from "node:zlib";
import { Header, Pack, Parser, ReadEntry, Unpack } from "tar";

export type TarEntry =
  | { type: "file"; path: string; data: Buffer; mode?: number }
  | { type: "symlink"; path: string; target: string }
  | { type: "dir"; path: string };

function readEntryOf(e: TarEntry, mtime: Date): ReadEntry {
  const header = new Header({
    path: e.type === "dir" && !e.path.endsWith("/") ? e.path + "/" : e.path,
    type: e.type === "file" ? "File" : e.type === "symlink" ? "SymbolicLink" : "Directory",
    size: e.type === "file" ? e.data.length : 0,
    mode: e.type === "file" ? (e.mode ?? 0o644) : e.type === "symlink" ? 0o777 : 0o755,
    linkpath: e.type === "symlink" ? e.target : undefined,
    mtime,
    uid: 0,
    gid: 0,
    uname: "root",
    gname: "root",
  });
  header.encode();
  return new ReadEntry(header);
}

/** The archive (gzip-compressed unless `gzip` is false), entries in the order given. */
export async function packTar(entries: TarEntry[], mtime = 0, gzip = true): Promise<Buffer> {
  const pack = new Pack({ gzip: gzip ? { level: 6 } : false, portable: true });
  const chunks: Buffer[] = [];
  pack.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    pack.on("end", () => resolve());
    pack.on("error", reject);
  });
  const when = new Date(mtime * 1000);
  for (const e of entries) {
    const entry = readEntryOf(e, when);
    pack.add(entry);
    if (e.type === "file") entry.write(e.data);
    entry.end();
  }
  pack.end();
  await done;
  return Buffer.concat(chunks);
}

export function tarGz(entries: TarEntry[], mtime = 0): Promise<Buffer> {
  return packTar(entries, mtime, true);
}

/** Reads a tar or tar.gz held in memory into entries. Throws with what is wrong. */
export function readTar(input: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  const errors: string[] = [];
  const parser = new Parser({
    strict: true,
    onReadEntry: (e) => {
      const path = e.path.replace(/^\.\//, "").replace(/\/$/, "");
      if (path === "" || path === ".") return e.resume();
      if (e.type === "File" || e.type === "OldFile" || e.type === "ContiguousFile") {
        const data: Buffer[] = [];
        e.on("data", (c: Buffer) => data.push(c));
        e.on("end", () => out.push({ type: "file", path, data: Buffer.concat(data) }));
      } else {
        if (e.type === "SymbolicLink") out.push({ type: "symlink", path, target: e.linkpath! });
        else if (e.type === "Directory") out.push({ type: "dir", path });
        e.resume();
      }
    },
  });
  parser.on("error", (err: Error) => errors.push(err.message));
  parser.end(input); // node-tar parses a whole buffer synchronously
  if (errors.length) throw new Error(errors[0]);
  return out;
}

/**
 * What is wrong with a file given as an archive, or null when it is a tar or tar.gz. Names the
 * file's actual kind, so a text file or a bzip2 archive is called what it is.
 */
export function archiveProblem(buf: Buffer): string | null {
  if (buf.length === 0) return "it is empty";
  let tarBytes = buf;
  const gz = buf[0] === 0x1f && buf[1] === 0x8b;
  if (gz) {
    try {
      tarBytes = gunzipSync(buf);
    } catch (err) {
      return `its gzip data is corrupt or cut short (${(err as Error).message})`;
    }
  } else if (buf.subarray(0, 3).toString("latin1") === "BZh") {
    return "it is bzip2-compressed, which this reader does not unpack: recompress it with gzip (bunzip2 -c FILE | gzip > FILE.tar.gz)";
  } else if (buf.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) {
    return "it is xz-compressed, which this reader does not unpack: recompress it with gzip";
  } else if (buf[0] === 0x50 && buf[1] === 0x4b) {
    return "it is a zip archive, not a tar archive";
  }
  if (!isTarHeader(tarBytes)) {
    const head = tarBytes.subarray(0, 64);
    const text = head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
    const what = text
      ? `text (it starts ${JSON.stringify(head.toString("latin1").split("\n")[0]!.slice(0, 40))})`
      : "not a tar archive";
    return gz ? `it is gzip-compressed, but what it holds is ${what}` : `it is ${what}`;
  }
  return null;
}

function isTarHeader(b: Buffer): boolean {
  if (b.length < 512) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : b[i]!;
  const stored = parseInt(b.subarray(148, 156).toString("latin1").replace(/\0.*$/, "").trim(), 8);
  return stored === sum;
}

/** Unpacks a tar or tar.gz into DIR with node-tar's protections. Throws with what is wrong. */
export async function unpackTar(archive: Buffer, dir: string): Promise<number> {
  let n = 0;
  const unpack = new Unpack({
    cwd: dir,
    strict: true,
    // Only what a capture holds: files, links, directories; never ownership or devices.
    filter: (_path, entry) => {
      const t = (entry as ReadEntry).type;
      const keep = t === "File" || t === "OldFile" || t === "SymbolicLink" || t === "Directory";
      if (keep && t !== "Directory") n++;
      return keep;
    },
    preserveOwner: false,
    // A captured tree's times mean nothing, and setting them costs a syscall per file.
    noMtime: true,
  });
  await new Promise<void>((resolve, reject) => {
    unpack.on("error", reject);
    unpack.on("close", () => resolve());
    unpack.end(archive);
  });
  return n;
}
