// A small ustar writer and reader (POSIX.1-1988 headers, pax "path" records for long names),
// gzip through node:zlib. Enough for capture archives: regular files, symlinks, directories.
import { gunzipSync, gzipSync } from "node:zlib";

export type TarEntry =
  | { type: "file"; path: string; data: Buffer; mode?: number }
  | { type: "symlink"; path: string; target: string }
  | { type: "dir"; path: string };

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

function header(
  name: string,
  size: number,
  typeflag: string,
  mode: number,
  linkname = "",
  prefix = "",
  mtime = 0,
): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, "utf8");
  h.write(octal(mode, 8), 100, "ascii");
  h.write(octal(0, 8), 108, "ascii");
  h.write(octal(0, 8), 116, "ascii");
  h.write(octal(size, 12), 124, "ascii");
  h.write(octal(mtime, 12), 136, "ascii");
  h.write("        ", 148, "ascii");
  h.write(typeflag, 156, "ascii");
  h.write(linkname, 157, 100, "utf8");
  h.write("ustar\0", 257, "ascii");
  h.write("00", 263, "ascii");
  h.write("root", 265, "ascii");
  h.write("root", 297, "ascii");
  h.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "ascii");
  return h;
}

function pad(buf: Buffer): Buffer[] {
  const rest = buf.length % BLOCK;
  return rest === 0 ? [buf] : [buf, Buffer.alloc(BLOCK - rest)];
}

/** Splits a path into ustar (prefix, name), or null when it needs a pax record. */
function split(path: string): { prefix: string; name: string } | null {
  if (Buffer.byteLength(path) <= 100) return { prefix: "", name: path };
  for (let i = path.indexOf("/"); i !== -1; i = path.indexOf("/", i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name !== "")
      return { prefix, name };
  }
  return null;
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len)
    len = String(len).length + Buffer.byteLength(body);
  return Buffer.from(`${len}${body}`, "utf8");
}

function entryBlocks(e: TarEntry, mtime: number): Buffer[] {
  const path = e.type === "dir" && !e.path.endsWith("/") ? e.path + "/" : e.path;
  const out: Buffer[] = [];
  let names = split(path);
  const linkTooLong = e.type === "symlink" && Buffer.byteLength(e.target) > 100;
  if (!names || linkTooLong) {
    const pax = Buffer.concat([
      ...(names ? [] : [paxRecord("path", path)]),
      ...(linkTooLong && e.type === "symlink" ? [paxRecord("linkpath", e.target)] : []),
    ]);
    out.push(header("PaxHeader", pax.length, "x", 0o644, "", "", mtime), ...pad(pax));
    names ??= { prefix: "", name: path.slice(-100) };
  }
  if (e.type === "file") {
    out.push(
      header(names.name, e.data.length, "0", e.mode ?? 0o644, "", names.prefix, mtime),
      ...pad(e.data),
    );
  } else if (e.type === "symlink") {
    out.push(header(names.name, 0, "2", 0o777, e.target.slice(0, 100), names.prefix, mtime));
  } else {
    out.push(header(names.name, 0, "5", 0o755, "", names.prefix, mtime));
  }
  return out;
}

/** The tar stream (uncompressed), entries in the order given. */
export function tarBytes(entries: TarEntry[], mtime = 0): Buffer {
  return Buffer.concat([...entries.flatMap((e) => entryBlocks(e, mtime)), Buffer.alloc(BLOCK * 2)]);
}

export function tarGz(entries: TarEntry[], mtime = 0): Buffer {
  return gzipSync(tarBytes(entries, mtime), { level: 6 });
}

function cstr(buf: Buffer, start: number, len: number): string {
  const slice = buf.subarray(start, start + len);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul === -1 ? len : nul).toString("utf8");
}

/** Reads a tar (or, when it starts with the gzip magic, a tar.gz). Throws on a corrupt header. */
export function readTar(input: Buffer): TarEntry[] {
  const buf = input[0] === 0x1f && input[1] === 0x8b ? gunzipSync(input) : input;
  const out: TarEntry[] = [];
  let off = 0;
  let paxPath: string | null = null;
  let paxLink: string | null = null;
  while (off + BLOCK <= buf.length) {
    const h = buf.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    const stored = parseInt(cstr(h, 148, 8).trim(), 8);
    if (stored !== sum) throw new Error(`tar header at byte ${off}: checksum mismatch`);
    const size = parseInt(cstr(h, 124, 12).trim() || "0", 8);
    const type = String.fromCharCode(h[156]!) || "0";
    const prefix = cstr(h, 345, 155);
    let path = paxPath ?? (prefix ? `${prefix}/${cstr(h, 0, 100)}` : cstr(h, 0, 100));
    const link = paxLink ?? cstr(h, 157, 100);
    const data = buf.subarray(off + BLOCK, off + BLOCK + size);
    off += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "x") {
      for (const rec of data.toString("utf8").split("\n")) {
        const m = /^\d+ (path|linkpath)=(.*)$/.exec(rec);
        if (m?.[1] === "path") paxPath = m[2]!;
        if (m?.[1] === "linkpath") paxLink = m[2]!;
      }
      continue;
    }
    paxPath = null;
    paxLink = null;
    path = path.replace(/^\.\//, "");
    if (path === "" || path === ".") continue;
    if (type === "0" || type === "\0") out.push({ type: "file", path, data: Buffer.from(data) });
    else if (type === "2") out.push({ type: "symlink", path, target: link });
    else if (type === "5") out.push({ type: "dir", path: path.replace(/\/$/, "") });
  }
  return out;
}
