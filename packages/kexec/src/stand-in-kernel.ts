// The demo's stand-in kernel: a file with a valid bzImage setup header and no kernel behind
// it, labelled in the header's own kernel version string, so that `npm start` (the dry-run
// loader on a host without a kernel to spare) can start an instance out of the box. The
// dry-run loader accepts it (it boots nothing anyway); every real loader refuses it by that
// label with LOADER-STAND-IN before it touches the machine.
import { inspectKernelFile, standInBzImage, type BzImageHeader } from "./bzimage";
import { LoaderFailure } from "./errors";

/** How the stand-in's version string begins; what every reader checks for. */
export const STAND_IN_KERNEL_LABEL = "tessera-stand-in (not a kernel)";

/** The whole version string, as `tessera inspect-kernel` and the loaders' logs show it. */
export const STAND_IN_KERNEL_VERSION = `${STAND_IN_KERNEL_LABEL}: a boot header for the dry-run demo, nothing boots from it`;

/** Where the version string sits: inside the setup sectors, after the header (0x26c). */
const VERSION_OFFSET = 0x300;

/**
 * The stand-in kernel file: the header facts of Debian's 6.1 bzImage (so the validator
 * sizes a successor as it would for that kernel), no protected-mode code, and
 * STAND_IN_KERNEL_VERSION as its kernel version string.
 */
export function standInKernel(): Buffer {
  const b = standInBzImage();
  b.writeUInt16LE(VERSION_OFFSET - 0x200, 0x20e);
  b.write(`${STAND_IN_KERNEL_VERSION}\0`, VERSION_OFFSET, "latin1");
  return b;
}

/** The header is Tessera's stand-in (its version string carries the label). */
export function isStandInKernel(header: Pick<BzImageHeader, "version"> | null): boolean {
  return header?.version?.startsWith(STAND_IN_KERNEL_LABEL) === true;
}

export function standInRefusal(path: string, loader: string): LoaderFailure {
  return new LoaderFailure(
    "LOADER-STAND-IN",
    `${path} is Tessera's stand-in kernel ("${STAND_IN_KERNEL_LABEL}"), written for the dry-run demo: it has a boot header and no kernel behind it, so the ${loader} loader cannot start it. Set instances[].kernel to a real bzImage (e.g. /boot/vmlinuz-*).`,
  );
}

/**
 * Throws LOADER-STAND-IN when `path` is the stand-in. A file that cannot be read is left to
 * the loader's own step, which reports it in its own words (kexec, kerf).
 */
export async function refuseStandInKernel(path: string, loader: string): Promise<void> {
  const r = await inspectKernelFile(path);
  if (r.ok && isStandInKernel(r.inspection.header)) throw standInRefusal(path, loader);
}
