// Physical memory through /dev/mem: positioned reads and writes on one file descriptor.
// OS1 reserves the successor's pages (memmap=...$...), so they are not System RAM and the
// kernel lets root write them; the loader reads every write back, because /dev/mem silently
// skips writes to System RAM below 1 MiB instead of failing. Tests give a sparse temp file
// as the path: a TEST STAND-IN for /dev/mem with the same offsets.
import { open, type FileHandle } from "node:fs/promises";
import { hex } from "@tessera/core";
import { LoaderFailure } from "../errors";

export interface PhysMem {
  write(addr: bigint, bytes: Uint8Array): Promise<void>;
  /** Writes and reads the bytes back; a difference is LOADER-PHYS-IO. */
  writeChecked(addr: bigint, bytes: Uint8Array, what: string): Promise<void>;
  read(addr: bigint, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

const CHUNK = 1 << 20;

export async function openPhysMem(path: string): Promise<PhysMem> {
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
  const io = (what: string, addr: bigint, err: unknown) =>
    new LoaderFailure(
      "LOADER-PHYS-IO",
      `${what} ${path} at ${hex(addr)} failed: ${(err as NodeJS.ErrnoException).code ?? String(err)} (is the page reserved in OS1, and OS1 booted with iomem=relaxed?)`,
    );
  const pos = (addr: bigint) => {
    if (addr > BigInt(Number.MAX_SAFE_INTEGER))
      throw new RangeError(`address ${hex(addr)} too high`);
    return Number(addr);
  };
  const mem: PhysMem = {
    async write(addr, bytes) {
      for (let off = 0; off < bytes.length; off += CHUNK) {
        const part = bytes.subarray(off, Math.min(bytes.length, off + CHUNK));
        const at = addr + BigInt(off);
        const { bytesWritten } = await fh
          .write(part, 0, part.length, pos(at))
          .catch((err: unknown) => {
            throw io("writing", at, err);
          });
        if (bytesWritten !== part.length)
          throw io("writing", at, `short write (${bytesWritten} of ${part.length})`);
      }
    },
    async read(addr, length) {
      const b = Buffer.alloc(length);
      const { bytesRead } = await fh.read(b, 0, length, pos(addr)).catch((err: unknown) => {
        throw io("reading", addr, err);
      });
      if (bytesRead !== length) throw io("reading", addr, `short read (${bytesRead} of ${length})`);
      return b;
    },
    async writeChecked(addr, bytes, what) {
      await mem.write(addr, bytes);
      const back = await mem.read(addr, bytes.length);
      if (!back.equals(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)))
        throw new LoaderFailure(
          "LOADER-PHYS-IO",
          `the ${what} written at ${hex(addr)} reads back different: the kernel ignored the write (the page is System RAM of OS1?)`,
        );
    },
    close: () => fh.close(),
  };
  return mem;
}
