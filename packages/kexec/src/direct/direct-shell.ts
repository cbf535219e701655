// A script an operator can read and run by hand in OS1 that does what the direct loader
// does: the same images (built by buildDirectImages), written to physical memory at the
// same addresses through the helper, the same MP table and IPIs. Small images are
// spelled out byte by byte as printf octal escapes; the kernel and initrd come from their
// files. Needs a POSIX sh, od, printf and the APIC helper (which also does the writes).
import { hex, shQuote } from "@tessera/core";
import type { BootPlan } from "@tessera/core";
import type { DirectImages, DirectWrite } from "./images";
import { stepArg, startSequence } from "./ipi";
import { MAILBOX } from "./mailbox";
import { buildMpTable } from "./mp-table";
import { isDirectPlan, type DirectPlan } from "./plan-shape";

export class DirectShellError extends Error {}

const BYTES_PER_LINE = 48;

/** Octal escapes for printf's format: every byte as \ooo, so no byte is taken as a directive. */
function octal(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += "\\" + x.toString(8).padStart(3, "0");
  return s;
}

/** Runs of non-zero bytes (zero gaps shorter than 8 bytes stay inside a run). */
function nonZeroRuns(b: Uint8Array): { off: number; bytes: Uint8Array }[] {
  const out: { off: number; bytes: Uint8Array }[] = [];
  let i = 0;
  while (i < b.length) {
    if (b[i] === 0) {
      i++;
      continue;
    }
    let end = i;
    let zeros = 0;
    for (let j = i; j < b.length && zeros < 8; j++) {
      if (b[j] === 0) zeros++;
      else {
        zeros = 0;
        end = j + 1;
      }
    }
    out.push({ off: i, bytes: b.subarray(i, end) });
    i = end;
  }
  return out;
}

function putLines(addr: bigint, bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let o = 0; o < bytes.length; o += BYTES_PER_LINE)
    lines.push(`put ${hex(addr + BigInt(o))} '${octal(bytes.subarray(o, o + BYTES_PER_LINE))}'`);
  return lines;
}

function writeLines(plan: DirectPlan, w: DirectWrite, images: DirectImages): string[] {
  const at = hex(w.address);
  switch (w.what) {
    case "kernel":
      return [
        `# the protected-mode kernel: ${plan.kernel} from byte ${images.layout.kernelFileOffset} (after the setup sectors), ${w.bytes.length} bytes`,
        `file ${shQuote(plan.kernel!)} ${images.layout.kernelFileOffset} ${at}`,
      ];
    case "initrd":
      return [`# the initrd, ${w.bytes.length} bytes`, `file ${shQuote(plan.initrd!)} 0 ${at}`];
    case "command line":
      return [
        `# the command line (NUL-terminated)`,
        `zero ${at} 1`,
        ...putLines(w.address, w.bytes),
      ];
    default: {
      const pages = Math.ceil(w.bytes.length / 4096);
      const note = {
        "zero page": "boot_params: the image's setup header, loader fields, e820 = the plan's",
        trampoline: `the SIPI page (vector ${hex(plan.sipiVector)}): real mode -> flat GDT -> 32-bit entry`,
        mailbox: "the mailbox: magic TSMB, version 1, every other field 0",
      }[w.what];
      return [
        `# ${note}`,
        `zero ${at} ${pages}`,
        ...nonZeroRuns(w.bytes).flatMap((r) => putLines(w.address + BigInt(r.off), r.bytes)),
      ];
    }
  }
}

const PRELUDE = `set -eu
MEM=\${TESSERA_DEVMEM:-/dev/mem}
APIC=\${TESSERA_APIC:-./tessera-apic}
# The helper writes through mmap(): /dev/mem's write() stops at the end of OS1's own RAM.
# put ADDR OCTAL: bytes at a physical address
put() { printf "$2" | "$APIC" --mem "$MEM" --write "$1"; }
# zero ADDR PAGES: clear whole 4 KiB pages
zero() { "$APIC" --mem "$MEM" --write "$1" --zero $(($2 * 4096)); }
# file PATH SKIP ADDR: a file from byte SKIP at ADDR
file() { "$APIC" --mem "$MEM" --write "$3" --file "$1" --skip "$2"; }
# u32 ADDR: a little-endian 32-bit value
u32() { "$APIC" --mem "$MEM" --read "$1" 4 | od -An -tu4 | tr -d ' \\n'; }
# os1_cpus: OS1's online CPUs as the helper takes them ("0-1,4" -> "0,1,4")
os1_cpus() {
  out=
  for part in $(tr ',' ' ' < "\${TESSERA_SYSFS:-/sys}/devices/system/cpu/online"); do
    i=\${part%-*}
    while [ "$i" -le "\${part#*-}" ]; do out="$out\${out:+,}$i"; i=$((i + 1)); done
  done
  echo "$out"
}
# wait_lvt0 NAME ADDR: until that successor's mailbox says its LVT0 is masked (90 s at most)
wait_lvt0() {
  i=0
  until [ "$(u32 "$2")" = 1 ]; do
    i=$((i + 1))
    if [ "$i" -gt 90 ]; then echo "$1 did not pass early boot in 90 s: not starting the next successor" >&2; exit 1; fi
    sleep 1
  done
}`;

/**
 * images: per successor name, built from its kernel and initrd files (the CLI reads them).
 * Loads every successor, then starts them in plan order, each after the previous one has
 * reported LVT0 masked.
 */
export function planToDirectShell(plan: BootPlan, images: Record<string, DirectImages>): string {
  const successors = plan.successors.map((s) => {
    if (!isDirectPlan(s))
      throw new DirectShellError(
        `${s.name}'s plan has no direct part: make the plan with loader "direct"`,
      );
    const img = images[s.name];
    if (!img) throw new DirectShellError(`no images were built for ${s.name}`);
    return { s, img };
  });
  const out = [
    "#!/bin/sh",
    `# Tessera direct boot for profile ${shQuote(plan.profile)}: what the agent's direct loader does, by hand.`,
    "# Run as root in OS1, booted with the plan's OS1 options (iomem=relaxed hpet=disable maxcpus=",
    "# and the memmap= reservations). The APIC helper is built from the Tessera repository:",
    "#   cc -static -O2 -o tessera-apic packages/kexec/native/tessera-apic.c",
    "# TESSERA_DEVMEM, TESSERA_APIC and TESSERA_SYSFS override /dev/mem, ./tessera-apic and /sys.",
    PRELUDE,
  ];
  for (const { s, img } of successors) {
    out.push(
      "",
      `# ===== load OS${s.index}: ${s.name.replace(/[^\x20-\x7e]/g, " ")}: cores ${s.cpus.join(",")} (BSP ${s.bsp}), range ${hex(s.memMin)}-${hex(s.memMax)} =====`,
    );
    for (const w of img.writes) out.push(...writeLines(s, w, img));
  }
  out.push(
    "",
    "# ===== OS1's own LINT0 =====",
    "# Firmware leaves LINT0 open (virtual wire) and Linux keeps it; masked, OS1 no longer takes",
    "# the 8259's PIT ticks a booting successor counts to check its own timer.",
    '"$APIC" --mem "$MEM" --mask-lint0 "$(os1_cpus)"',
  );
  let previous: DirectPlan | null = null;
  for (const { s, img } of successors) {
    out.push("", `# ===== start ${s.name.replace(/[^\x20-\x7e]/g, " ")} =====`);
    if (previous)
      out.push(
        `wait_lvt0 ${shQuote(previous.name)} ${hex(previous.direct.mailbox + BigInt(MAILBOX.lvt0Masked))}`,
      );
    const mp = buildMpTable(s.direct.mpTable, s.cpus, s.bsp, img.layout.mpConfigSpare);
    out.push(`# the MP table: cores ${s.cpus.join(",")}, BSP ${s.bsp} flagged, one ISA bus`);
    out.push(...putLines(mp.configAt, mp.config), ...putLines(mp.pointerAt, mp.pointer));
    out.push(
      `# INIT, 10 ms, STARTUP, 200 us, STARTUP to LAPIC ${s.bsp} (DEST:ICRLOW:DELAY_US)`,
      `"$APIC" --mem "$MEM" ${startSequence(s.bsp, s.sipiVector).map(stepArg).join(" ")}`,
    );
    previous = s;
  }
  out.push("");
  return out.join("\n");
}
