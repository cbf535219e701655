// Everything the direct loader writes for one successor, built in memory (pure): the same
// list drives the loader, the operator's script and the boot preview, so they never differ.
import type { BzImageHeader } from "../bzimage";
import { inspectKernelBytes } from "../bzimage";
import { LoaderFailure } from "../errors";
import { directLayout, type DirectLayout } from "./layout";
import { freshMailbox } from "./mailbox";
import { buildMpTable, type MpTable } from "./mp-table";
import type { DirectPlan } from "./plan-shape";
import { buildTrampoline } from "./trampoline";
import { buildCmdline, buildZeroPage } from "./zero-page";

export interface DirectWrite {
  what: "zero page" | "command line" | "kernel" | "initrd" | "trampoline" | "mailbox";
  address: bigint;
  bytes: Uint8Array;
  /** The same bytes in a file (kernel, initrd): written from there, not through memory. */
  file?: { path: string; skip: number };
}

export interface DirectImages {
  header: BzImageHeader;
  layout: DirectLayout;
  /** In the order the loader writes them at load time. */
  writes: DirectWrite[];
  /** Written at start, once no other successor is in early boot. */
  mp: MpTable;
}

/** The header of a usable bzImage, or LOADER-KERNEL with the reader's reasons. */
export function usableHeader(
  kernel: Uint8Array,
  fileSize = kernel.length,
  path = "the kernel",
): BzImageHeader {
  const ins = inspectKernelBytes(kernel, fileSize);
  if (!ins.usable || !ins.header)
    throw new LoaderFailure(
      "LOADER-KERNEL",
      `${path} cannot be started by the direct loader: ${ins.problems.map((p) => `${p.message} (${p.code})`).join("; ")}`,
    );
  return ins.header;
}

export function buildDirectImages(input: {
  plan: DirectPlan;
  /** The whole bzImage file. */
  kernel: Uint8Array;
  initrd: Uint8Array | null;
  margin?: bigint;
  kernelPath?: string;
  initrdPath?: string;
}): DirectImages {
  const { plan, kernel } = input;
  const header = usableHeader(kernel, kernel.length, input.kernelPath);
  const initrdBytes = input.initrd?.length ?? 0;
  const layout = directLayout({
    plan,
    header,
    kernelFileBytes: kernel.length,
    initrdBytes,
    margin: input.margin,
  });
  const writes: DirectWrite[] = [
    {
      what: "zero page",
      address: layout.zeroPage,
      bytes: buildZeroPage({ head: kernel, layout, e820: plan.e820 }),
    },
    {
      what: "command line",
      address: layout.cmdline,
      bytes: buildCmdline(plan.cmdline, header.cmdlineSize),
    },
    {
      what: "kernel",
      address: layout.kernel,
      bytes: kernel.subarray(layout.kernelFileOffset),
      ...(input.kernelPath
        ? { file: { path: input.kernelPath, skip: layout.kernelFileOffset } }
        : {}),
    },
  ];
  if (input.initrd && layout.initrd !== null)
    writes.push({
      what: "initrd",
      address: layout.initrd,
      bytes: input.initrd,
      ...(input.initrdPath ? { file: { path: input.initrdPath, skip: 0 } } : {}),
    });
  writes.push(
    {
      what: "trampoline",
      address: layout.trampoline,
      bytes: buildTrampoline(layout.trampoline, layout.zeroPage, layout.kernel),
    },
    { what: "mailbox", address: plan.direct.mailbox, bytes: freshMailbox() },
  );
  const mp = buildMpTable(plan.direct.mpTable, plan.cpus, plan.bsp, layout.mpConfigSpare);
  return { header, layout, writes, mp };
}
