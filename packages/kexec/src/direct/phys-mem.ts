// Physical memory for the direct loader. Writes go through the native helper's mmap() of
// /dev/mem, because /dev/mem's write() refuses every address past the end of OS1's own RAM
// (EFAULT), which is exactly where a successor's range lies; the helper reads each write back.
// Reads (the mailbox polls, every 250 ms) use pread() on /dev/mem when the address is inside
// OS1's RAM, as mailboxes are, and fall back to the helper otherwise. Tests give a sparse temp
// file as the path: a TEST STAND-IN for /dev/mem with the same offsets.
import { open, type FileHandle } from "node:fs/promises";
import { hex } from "@tessera/core";
import { LoaderFailure } from "../errors";
import { runHelper } from "./helper-run";

export interface PhysMem {
  /** Writes bytes at a physical address; the helper reads them back. */
  write(addr: bigint, bytes: Uint8Array, what: string, signal?: AbortSignal): Promise<void>;
  /** Writes a file's bytes from `skip` (the kernel, the initrd) without copying them here. */
  writeFile(
    addr: bigint,
    path: string,
    skip: number,
    what: string,
    signal?: AbortSignal,
  ): Promise<void>;
  read(addr: bigint, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

export async function openPhysMem(path: string, helper: string): Promise<PhysMem> {
  let fh: FileHandle;
  try {
    fh = await open(path, "r+");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LoaderFailure(
      "LOADER-NO-DEVMEM",
      code === "ENOENT"
        ? `${path} does not exist: the direct loader writes the successor through it (a kernel without CONFIG_DEVMEM cannot use the direct loader)`
        : `cannot open ${path} for writing (${code ?? String(err)}): the agent must run as root`,
    );
  }
  const helperFailed = (what: string, addr: bigint, r: { code: number | null; stderr: string }) =>
    new LoaderFailure(
      "LOADER-PHYS-IO",
      `${what} at ${hex(addr)} failed (helper ${r.code === null ? "killed" : `exit ${r.code}`}): ${r.stderr.trim().split("\n").pop() ?? "no message"}`,
    );
  const viaHelper = async (
    argv: string[],
    what: string,
    addr: bigint,
    input?: Uint8Array,
    signal?: AbortSignal,
  ) => {
    const r = await runHelper([helper, "--mem", path, ...argv], { input, signal });
    if (r.code !== 0) throw helperFailed(what, addr, r);
    return r.stdout;
  };
  return {
    async write(addr, bytes, what, signal) {
      await viaHelper(["--write", hex(addr)], `writing the ${what}`, addr, bytes, signal);
    },
    async writeFile(addr, file, skip, what, signal) {
      await viaHelper(
        ["--write", hex(addr), "--file", file, "--skip", String(skip)],
        `writing the ${what}`,
        addr,
        undefined,
        signal,
      );
    },
    async read(addr, length) {
      if (addr + BigInt(length) <= BigInt(Number.MAX_SAFE_INTEGER)) {
        const b = Buffer.alloc(length);
        const got = await fh.read(b, 0, length, Number(addr)).then(
          (r) => r.bytesRead,
          () => -1,
        );
        if (got === length) return b;
      }
      const out = await viaHelper(["--read", hex(addr), String(length)], "reading", addr);
      if (out.length !== length)
        throw new LoaderFailure(
          "LOADER-PHYS-IO",
          `reading ${length} bytes at ${hex(addr)} gave ${out.length}`,
        );
      return out;
    },
    close: () => fh.close(),
  };
}
