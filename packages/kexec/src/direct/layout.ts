// Where the direct loader puts a successor inside its own range [memMin, memMax], computed
// from the bzImage header alone (pure). The 32-bit entry runs with paging off, so everything
// the kernel reads at entry (zero page, command line, the kernel itself) must lie below 4 GiB.
import { hex, humanSize } from "@tessera/core";
import type { BzImageHeader } from "../bzimage";
import { XLF } from "../bzimage";
import { LoaderFailure } from "../errors";
import type { DirectPlan } from "./plan-shape";

export const PAGE = 0x1000n;
const FOUR_GIB = 0x1_0000_0000n;

/**
 * Room the range must keep free above the initrd. The header states only what the kernel
 * needs before it reads its memory map (init_size); after that it still allocates page
 * tables, its struct pages and the unpacked initramfs from the same range. 32 MiB refuses
 * hopeless ranges early; it is a floor, not a promise that the kernel fits.
 */
export const DEFAULT_WORKING_MARGIN = 32n * 1024n * 1024n;

export interface DirectLayout {
  /** boot_params (4 KiB) at the start of the range. */
  zeroPage: bigint;
  /** The NUL-terminated command line, one page after the zero page. */
  cmdline: bigint;
  /** A spare page for the MP config table when it does not fit next to the pointer. */
  mpConfigSpare: bigint;
  /** Load address of the protected-mode kernel (code32_start). */
  kernel: bigint;
  /** Offset of the protected-mode kernel in the bzImage file: (setup_sects + 1) * 512. */
  kernelFileOffset: number;
  kernelBytes: number;
  /** load + max(init_size, kernel bytes): what the kernel claims before it reads its e820. */
  kernelEnd: bigint;
  initrd: bigint | null;
  initrdBytes: number;
  /** The SIPI start page in the low slice. */
  trampoline: bigint;
  /** Highest byte the layout needs, working margin included (inclusive). */
  lastNeeded: bigint;
  margin: bigint;
}

export interface LayoutInput {
  plan: DirectPlan;
  header: BzImageHeader;
  /** Size of the whole bzImage file. */
  kernelFileBytes: number;
  /** Size of the initrd, 0 for none. */
  initrdBytes: number;
  margin?: bigint;
}

export function alignUp(v: bigint, a: bigint): bigint {
  return a <= 1n ? v : ((v + a - 1n) / a) * a;
}

export function directLayout(input: LayoutInput): DirectLayout {
  const { plan, header } = input;
  const margin = input.margin ?? DEFAULT_WORKING_MARGIN;
  const where = `${plan.name}'s range ${hex(plan.memMin)}-${hex(plan.memMax)}`;
  if (plan.memMin % PAGE !== 0n)
    throw new LoaderFailure(
      "LOADER-LAYOUT",
      `${where} does not start on a 4 KiB page: the zero page must be page aligned`,
    );
  if (header.kernelAlignment <= 0n)
    throw new LoaderFailure(
      "LOADER-LAYOUT",
      "the kernel header gives no kernel_alignment: cannot place a relocatable kernel",
    );
  const low = plan.lowMemory;
  if (
    low.start % PAGE !== 0n ||
    low.start >= 0x100000n ||
    low.start >> 12n !== BigInt(plan.sipiVector)
  )
    throw new LoaderFailure(
      "LOADER-LAYOUT",
      `the low slice ${hex(low.start)} must be a 4 KiB page below 1 MiB whose number is the SIPI vector ${hex(plan.sipiVector)}`,
    );
  const zeroPage = plan.memMin;
  const cmdline = zeroPage + PAGE;
  const mpConfigSpare = cmdline + PAGE;
  const kernelFileOffset = (header.setupSects + 1) * 512;
  const kernelBytes = input.kernelFileBytes - kernelFileOffset;
  if (kernelBytes <= 0)
    throw new LoaderFailure(
      "LOADER-KERNEL",
      `the bzImage has no protected-mode kernel after its ${kernelFileOffset} setup bytes`,
    );
  const kernel = alignUp(mpConfigSpare + PAGE, header.kernelAlignment);
  const claim = header.initSize > BigInt(kernelBytes) ? header.initSize : BigInt(kernelBytes);
  const kernelEnd = kernel + claim;
  if (kernelEnd > FOUR_GIB)
    throw new LoaderFailure(
      "LOADER-LAYOUT",
      `the kernel would end at ${hex(kernelEnd)}, above 4 GiB: the 32-bit entry runs with paging off, so the zero page, command line and kernel (${hex(kernel)} + init_size ${humanSize(header.initSize)}) must lie below 4 GiB; give ${plan.name} a range that starts lower`,
    );
  const initrd = input.initrdBytes > 0 ? alignUp(kernelEnd, PAGE) : null;
  const initrdEnd = initrd === null ? kernelEnd : initrd + BigInt(input.initrdBytes);
  if (initrd !== null) {
    const above4g = (header.xloadflags & XLF.CAN_BE_LOADED_ABOVE_4G) !== 0;
    if (!above4g && initrdEnd - 1n > header.initrdAddrMax)
      throw new LoaderFailure(
        "LOADER-LAYOUT",
        `the initrd would end at ${hex(initrdEnd - 1n)}, above the kernel's initrd_addr_max ${hex(header.initrdAddrMax)} (and the kernel lacks XLF_CAN_BE_LOADED_ABOVE_4G)`,
      );
  }
  const lastNeeded = initrdEnd + margin - 1n;
  if (lastNeeded > plan.memMax) {
    const parts = [
      `zero page + command line + MP page ${humanSize(3n * PAGE)}`,
      `alignment gap ${humanSize(kernel - zeroPage - 3n * PAGE)}`,
      `kernel init_size ${humanSize(claim)}`,
      ...(initrd === null ? [] : [`initrd ${humanSize(BigInt(input.initrdBytes))}`]),
      `working margin ${humanSize(margin)}`,
    ];
    throw new LoaderFailure(
      "LOADER-RANGE-TOO-SMALL",
      `${where} holds ${humanSize(plan.memMax - plan.memMin + 1n)} but the successor needs ${humanSize(lastNeeded - zeroPage + 1n)} (${parts.join(" + ")}): give it more memory or a smaller initrd`,
    );
  }
  return {
    zeroPage,
    cmdline,
    mpConfigSpare,
    kernel,
    kernelFileOffset,
    kernelBytes,
    kernelEnd,
    initrd,
    initrdBytes: input.initrdBytes,
    trampoline: low.start,
    lastNeeded,
    margin,
  };
}
