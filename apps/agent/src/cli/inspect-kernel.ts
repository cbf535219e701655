// tessera inspect-kernel FILE [--json]: reads a bzImage's boot protocol header and says
// whether it can boot a successor. Exit 0 usable, 1 readable but not usable, 2 unreadable.
import { hex, humanSize } from "@tessera/core";
import {
  isStandInKernel,
  inspectKernelFile,
  kernelFacts,
  XLF,
  type BzImageHeader,
  type KernelInspection,
} from "@tessera/kexec";
import { ArgError, parseArgs } from "./args";
import { notRegularFile, type CliIo } from "./io";

const HELP = `usage: tessera inspect-kernel FILE [--json]

Reads the x86 boot protocol header of a kernel image (bzImage) and says whether it can
boot a Tessera successor: a relocatable bzImage of boot protocol 2.10 or later.

options:
  --json   print the header, the facts the validator uses and the problems as JSON

exit status: 0 usable, 1 readable but not usable (the reason is printed), 2 unreadable or bad usage`;

export async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(args, { flags: ["json"] });
  } catch (err) {
    io.err(`tessera inspect-kernel: ${(err as ArgError).message}\n\n${HELP}`);
    return 2;
  }
  if (parsed.flags.has("help")) {
    io.out(HELP);
    return 0;
  }
  if (parsed.positional.length !== 1) {
    io.err(`tessera inspect-kernel: give exactly one FILE\n\n${HELP}`);
    return 2;
  }
  const file = parsed.positional[0]!;
  // Never open a FIFO or device: the read would wait for ever.
  const notFile = await notRegularFile(file).catch(() => null);
  const r = notFile
    ? { ok: false as const, reason: `${file} ${notFile}` }
    : await inspectKernelFile(file);
  if (!r.ok) {
    if (parsed.flags.has("json"))
      io.out(JSON.stringify({ file, readable: false, error: r.reason }, null, 2));
    else io.err(`tessera inspect-kernel: ${r.reason}`);
    return 2;
  }
  const ins = r.inspection;
  io.out(parsed.flags.has("json") ? JSON.stringify(toJson(file, ins), null, 2) : toText(file, ins));
  return ins.usable ? 0 : 1;
}

function toJson(file: string, ins: KernelInspection): unknown {
  const h = ins.header;
  return {
    file,
    readable: true,
    usable: ins.usable,
    standIn: isStandInKernel(h),
    header: h && {
      protocol: h.protocolText,
      version: h.version,
      setupSects: h.setupSects,
      relocatable: h.relocatable,
      kernelAlignment: hex(h.kernelAlignment),
      minAlignment: h.minAlignment,
      xloadflags: hex(h.xloadflags),
      prefAddress: hex(h.prefAddress),
      initSize: hex(h.initSize),
      cmdlineSize: h.cmdlineSize,
      loadedHigh: h.loadedHigh,
      fileSize: h.fileSize,
    },
    facts: h && jsonFacts(h),
    problems: ins.problems,
  };
}

function jsonFacts(h: BzImageHeader) {
  const f = kernelFacts(h);
  return { ...f, initSize: hex(f.initSize), kernelAlignment: hex(f.kernelAlignment) };
}

function flags(x: number): string {
  const names = Object.entries(XLF)
    .filter(([, bit]) => (x & bit) !== 0)
    .map(([n]) => n);
  return `${hex(x)}${names.length ? ` (${names.join(", ")})` : ""}`;
}

function toText(file: string, ins: KernelInspection): string {
  const lines: string[] = [];
  const h = ins.header;
  if (h) {
    lines.push(
      `${file}: x86 bzImage, boot protocol ${h.protocolText}`,
      `  version           ${h.version ?? "(none in header)"}`,
      `  relocatable       ${h.relocatable ? "yes" : "no"}`,
      `  kernel_alignment  ${hex(h.kernelAlignment)} (${humanSize(h.kernelAlignment)})`,
      `  min_alignment     2^${h.minAlignment}`,
      `  xloadflags        ${flags(h.xloadflags)}`,
      `  pref_address      ${hex(h.prefAddress)}`,
      `  init_size         ${hex(h.initSize)} (${humanSize(h.initSize)}): the least memory a successor's range needs for the kernel`,
      `  cmdline_size      ${h.cmdlineSize} bytes`,
    );
  } else {
    lines.push(`${file}: not an x86 bzImage`);
  }
  if (ins.usable && isStandInKernel(h))
    lines.push(
      "usable as a successor kernel: no, this is Tessera's stand-in for the dry-run demo (a boot header with no kernel behind it): only the dry-run loader accepts it, the others refuse it with LOADER-STAND-IN",
    );
  else if (ins.usable) lines.push("usable as a successor kernel: yes");
  else {
    lines.push("usable as a successor kernel: no");
    for (const p of ins.problems) lines.push(`  ${p.code}: ${p.message}`);
  }
  return lines.join("\n");
}
