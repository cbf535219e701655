// Reads files under a root (the live "/" or an unpacked capture) and remembers every path it
// read, so that capture can pack exactly those files and discovery can list its problems.
//
// Contract: paths are root-relative and written with a leading slash ("/proc/cpuinfo").
// A missing optional file is not a problem; a missing required file, an unreadable file
// (EACCES, EIO) or a malformed one is, with its path. Nothing here throws.
//
// Captured trees from other tools store sysfs oddities as text (hwdata/SOURCES.md):
// T1 a binary file as `NAME.hex` (lspci -xxx style), T2 a symlink as `NAME.symlink`
// holding the target. bytes() and link() accept both forms.
// Reads are synchronous on purpose: sysfs and procfs files are tiny and served from kernel
// memory, so a thread-pool round trip per file (fs/promises) costs several times the read
// itself; a full discovery of a few hundred files stays in the low milliseconds this way.
import {
  closeSync,
  constants,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
} from "node:fs";
import { posix } from "node:path";
import type { DiscoveryProblem } from "@tessera/core";
import { parseHexDump } from "./hex-dump";

export { parseHexDump, type HexDumpResult } from "./hex-dump";

export interface TreeRecord {
  /** File contents exactly as read, by root-relative path. */
  files: Map<string, Buffer>;
  /** Symlink targets exactly as read, by root-relative path. */
  links: Map<string, string>;
}

export class TreeReader {
  readonly root: string;
  readonly problems: DiscoveryProblem[] = [];
  readonly record: TreeRecord = { files: new Map(), links: new Map() };

  constructor(root: string) {
    this.root = root === "" ? "/" : root;
  }

  private abs(rel: string): string {
    return posix.join(this.root, rel);
  }

  problem(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  /** Raw bytes of a file (at most `limit` bytes when given), or null. */
  async raw(rel: string, required = false, limit?: number): Promise<Buffer | null> {
    try {
      const path = this.abs(rel);
      const buf = quiet(() => (limit === undefined ? readFileSync(path) : readHead(path, limit)));
      this.record.files.set(rel, buf);
      return buf;
    } catch (err) {
      this.readFailed(rel, err, required);
      return null;
    }
  }

  private readFailed(rel: string, err: unknown, required: boolean): void {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      if (required) this.problem(rel, "missing");
    } else if (code === "EACCES" || code === "EPERM") {
      this.problem(rel, "cannot read it: permission denied (run as root)");
    } else if (code === "EISDIR") {
      this.problem(rel, "is a directory, expected a file");
    } else {
      this.problem(rel, `cannot read it: ${code ?? String(err)}`);
    }
  }

  /**
   * A file read up to its current end without waiting: the kernel log (/dev/kmsg) hands out
   * one record per read and, opened non-blocking, EAGAIN at the end instead of waiting for
   * the next message. In a captured tree the same path is a plain file, read to EOF. At most
   * `limit` bytes; recorded like every read, so a capture packs what was seen.
   */
  async drain(rel: string, limit = DRAIN_LIMIT): Promise<Buffer | null> {
    let fd: number;
    try {
      const path = this.abs(rel);
      fd = quiet(() => openSync(path, constants.O_RDONLY | constants.O_NONBLOCK));
    } catch (err) {
      this.readFailed(rel, err, false);
      return null;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    // A kmsg read needs room for a whole record (EINVAL otherwise): records are under 8 KiB.
    const buf = Buffer.alloc(64 * 1024);
    try {
      while (total < limit) {
        let got: number;
        try {
          got = readSync(fd, buf, 0, buf.length, null);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === "EAGAIN") break;
          // EPIPE: records were overwritten while we read; the next read goes on after them.
          if (code === "EPIPE") continue;
          this.readFailed(rel, err, false);
          break;
        }
        if (got === 0) break;
        chunks.push(Buffer.from(buf.subarray(0, got)));
        total += got;
      }
    } finally {
      closeSync(fd);
    }
    const out = Buffer.concat(chunks);
    this.record.files.set(rel, out);
    return out;
  }

  /**
   * `length` bytes at `offset` of a device file whose offset selects what it returns (the
   * cpuid and msr drivers: the offset is the leaf or register). Recorded as the plain file
   * `REL@0xOFFSET`, which is also what a captured tree holds and what is read there.
   */
  async readAt(rel: string, offset: number, length: number): Promise<Buffer | null> {
    const stored = `${rel}@0x${offset.toString(16)}`;
    const kept = await this.raw(stored);
    if (kept !== null) return kept;
    let fd: number;
    try {
      const path = this.abs(rel);
      fd = quiet(() => openSync(path, constants.O_RDONLY));
    } catch (err) {
      this.readFailed(rel, err, false);
      return null;
    }
    try {
      const buf = Buffer.alloc(length);
      const got = readSync(fd, buf, 0, length, offset);
      if (got !== length) return null;
      this.record.files.set(stored, buf);
      return buf;
    } catch (err) {
      this.readFailed(rel, err, false);
      return null;
    } finally {
      closeSync(fd);
    }
  }

  async text(rel: string, required = false): Promise<string | null> {
    const buf = await this.raw(rel, required);
    return buf === null ? null : buf.toString("utf8");
  }

  /** One trimmed line (sysfs attributes), or null. */
  async line(rel: string, required = false): Promise<string | null> {
    const t = await this.text(rel, required);
    return t === null ? null : t.replace(/\0/g, "").trim();
  }

  /** A binary file (its first `limit` bytes), or its T1 `.hex` dump. */
  async bytes(rel: string, limit?: number): Promise<Buffer | null> {
    const direct = await this.raw(rel, false, limit);
    if (direct !== null) return direct;
    const hexText = await this.text(rel + ".hex");
    if (hexText === null) return null;
    const parsed = parseHexDump(hexText);
    if (!parsed.ok) {
      this.problem(rel + ".hex", parsed.message);
      return null;
    }
    return limit === undefined ? parsed.bytes : parsed.bytes.subarray(0, limit);
  }

  /** Target of a symlink (or of its T2 `.symlink` text file), or null when it is not one. */
  async link(rel: string): Promise<string | null> {
    try {
      const path = this.abs(rel);
      const st = quiet(() => lstatSync(path));
      if (st.isSymbolicLink()) {
        const target = readlinkSync(this.abs(rel));
        this.record.links.set(rel, target);
        return target;
      }
      return null;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR")
        this.problem(rel, `cannot read the link: ${code ?? String(err)}`);
    }
    const stored = await this.line(rel + ".symlink");
    return stored === null || stored === "" ? null : stored;
  }

  /** Where a path that may be a link leads, as a root-relative path (itself when no link). */
  async resolve(rel: string): Promise<string> {
    const target = await this.link(rel);
    if (target === null) return rel;
    return target.startsWith("/")
      ? posix.normalize(target)
      : posix.normalize(posix.join(posix.dirname(rel), target));
  }

  /** Entry names of a directory (T2 `.symlink` suffixes removed), sorted; null when absent. */
  async list(rel: string, required = false): Promise<string[] | null> {
    try {
      const path = this.abs(rel);
      const names = quiet(() => readdirSync(path));
      return [...new Set(names.map((n) => (n.endsWith(".symlink") ? n.slice(0, -8) : n)))].sort();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") {
        if (required) this.problem(rel, "missing");
      } else {
        this.problem(rel, `cannot list it: ${code ?? String(err)}`);
      }
      return null;
    }
  }

  /** Every path read: files and links, sorted. */
  paths(): string[] {
    return [...new Set([...this.record.files.keys(), ...this.record.links.keys()])].sort();
  }
}

/**
 * Runs a file system call with no stack trace captured for the error it throws. Most of a
 * discovery's reads are of optional files, and a captured tree lacks many of them (about 1,500
 * in a 123-device server's tree): Node builds each ENOENT as an Error with a stack trace,
 * which cost more than the whole read. Only the error's code is ever looked at.
 */
function quiet<T>(call: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return call();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** More than any kernel log buffer holds by default (log_buf_len is 128 KiB to a few MiB). */
const DRAIN_LIMIT = 16 * 1024 * 1024;

function readHead(path: string, limit: number): Buffer {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(limit);
    let n = 0;
    while (n < limit) {
      const got = readSync(fd, buf, n, limit - n, n);
      if (got === 0) break;
      n += got;
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Linux cpulist format: "0-3,8,10-11" (empty string = no CPUs). Null when malformed. */
export function parseCpuList(text: string): number[] | null {
  const t = text.replace(/\0/g, "").trim();
  if (t === "") return [];
  const out: number[] = [];
  for (const part of t.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b - a > 1 << 16) return null;
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

/** Linux cpumask format: comma-separated 32-bit hex words, most significant first. */
export function parseCpuMask(text: string): number[] | null {
  const t = text.replace(/\0/g, "").trim();
  if (!/^[0-9a-f]+(,[0-9a-f]+)*$/i.test(t)) return null;
  const words = t.split(",").reverse();
  const out: number[] = [];
  words.forEach((w, wi) => {
    const v = parseInt(w, 16);
    for (let bit = 0; bit < 32; bit++) if ((v >>> bit) & 1) out.push(wi * 32 + bit);
  });
  return out;
}
