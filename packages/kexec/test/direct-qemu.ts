// The direct loader's bytes on real kernels: Debian's kernel boots under QEMU (q35, TCG) as
// OS1 with the direct loader's OS1 options; its /init runs the operator's script
// (planToDirectShell: the loader's own images, MP table and IPIs through the APIC helper
// built with cc -static) and starts two successors side by side, os2 on two cores and os3 on
// one. Each successor's /init reports what it sees through /dev/kmsg on its own serial port,
// then runs the generated mailbox guest script. OS1 watches the mailboxes, stops os2 through
// its mailbox and parks it with INIT, restarts it while os3 runs, force-stops both, and
// reports that it kept running.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { BootPlan } from "@tessera/core";
import { buildApicHelper } from "../src/direct/apic";
import { directGuestScript } from "../src/direct/guest-script";
import { planToDirectShell } from "../src/direct/direct-shell";
import { buildDirectImages } from "../src/direct/images";
import type { DirectPlan } from "../src/direct/plan-shape";
import { CACHE, fetchDebian, SCRIPTS } from "./debian-kernel";
import { runQemu } from "./qemu-harness";

/** Replaced in OS1 by its own TSC kHz (6 or 7 digits) once the images are in memory. */
export const TSC_PLACEHOLDER = "tsc_early_khz=0000000";
// apic=verbose: the successor's serial log then shows its LAPIC timer calibration and the
// jiffies delta of the verification (see README, the known weakness).
const COMMON = `${TSC_PLACEHOLDER} apic=verbose acpi=off pci=off noapic nokaslr tsc=reliable no_ipi_broadcast=1 panic=0 iomem=relaxed printk.devkmsg=on initcall_blacklist=i8042_init,cmos_init,add_rtc_cmos`;

function successor(
  name: string,
  index: number,
  cpus: number[],
  start: bigint,
  low: bigint,
  mailbox: bigint,
  port: number,
  tty: string,
): DirectPlan {
  const size = 0x20000000n;
  return {
    name,
    index,
    bsp: cpus[0]!,
    cpus,
    cpuCount: cpus.length,
    memMin: start,
    memMax: start + size - 1n,
    memory: [{ start, size }],
    lowMemory: { start: low, size: 0x10000n },
    sipiVector: Number(low >> 12n),
    e820: [
      { start: low, size: 0x10000n, type: "usable" },
      { start, size, type: "usable" },
    ],
    devices: [],
    kernel: "/boot/vmlinuz",
    initrd: "/boot/successor.img",
    options: [],
    cmdline: `${COMMON} console=${tty},115200 earlyprintk=serial,0x${port.toString(16)},115200 tessera.mailbox=0x${mailbox.toString(16)}`,
    direct: { mailbox, mpTable: 0x380n, console: { port, tty }, tscKhz: 0 },
  };
}

/** OS1 keeps 1 GiB and core 0; os2 gets cores 1-2, os3 core 3 (q35, -smp 4, 2 GiB). */
export function directProofPlan(): DirectBootPlan {
  const os2 = successor("os2", 2, [1, 2], 0x40000000n, 0x80000n, 0x3ffff000n, 0x2f8, "ttyS1");
  const os3 = successor("os3", 3, [3], 0x60000000n, 0x70000n, 0x3fffe000n, 0x3e8, "ttyS2");
  const reservations = [
    { start: 0x70000n, size: 0x10000n },
    { start: 0x80000n, size: 0x10000n },
    { start: 0x3fffe000n, size: 0x1000n },
    { start: 0x3ffff000n, size: 0x1000n },
  ];
  const options = [
    "maxcpus=1",
    "mem=1G",
    "memmap=64K$0x70000",
    "memmap=64K$0x80000",
    "memmap=4K$0x3fffe000",
    "memmap=4K$0x3ffff000",
    "iomem=relaxed",
    "hpet=disable",
    "nox2apic",
  ];
  return {
    schema: "tessera/plan@1",
    profile: "direct-proof",
    os1: {
      name: "os1",
      cpus: [0],
      maxcpus: 1,
      memEnd: 0x40000000n,
      reservations,
      devices: [],
      options,
      cmdline: `console=ttyS0,115200 ${options.join(" ")}`,
      // OS1 is booted by QEMU (-kernel), not by GRUB: no entry.
      kernel: null,
      initrd: null,
      root: null,
      grubEntry: null,
    },
    successors: [os2, os3],
    diagnostics: [],
  };
}

const SUCCESSOR_INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# /dev/kmsg: the polled kernel console keeps printing once another successor takes the PIC.
say() { echo "$*" > /dev/kmsg; }
say "@@SUCC-CMDLINE $(cat /proc/cmdline)"
say "@@SUCC-ONLINE $(cat /sys/devices/system/cpu/online)"
while IFS= read -r l; do say "@@SUCC-IOMEM $l"; done < /proc/iomem
say "@@SUCC-INIT-DONE"
exec sh /guest.sh
`;

// OS1: load both, put its TSC kHz into both command lines, start both (the script waits for
// os2's LVT0 report before os3), then watch, stop, force-stop.
const OS1_INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
fail() { echo "@@OS1-FAIL $*"; poweroff -f; }
u32() { /tessera-apic --read "$1" 4 | od -An -tu4 | tr -d ' \\n'; }
w32() { printf "$(printf '\\\\%03o\\\\%03o\\\\%03o\\\\%03o' $(($2 & 255)) $((($2 >> 8) & 255)) $((($2 >> 16) & 255)) $((($2 >> 24) & 255)))" | /tessera-apic --write "$1"; }
loc() { sed -n 's/^ *LOC: *\\([0-9]*\\).*/\\1/p' /proc/interrupts; }
echo "@@OS1-CMDLINE $(cat /proc/cmdline)"
khz=$(dmesg | sed -n 's/.*tsc: Detected \\([0-9]*\\)\\.\\([0-9][0-9][0-9]\\) MHz.*/\\1\\2/p' | head -n 1)
echo "@@OS1-TSC $khz"
# the placeholder has 7 places: a shorter value is padded with spaces (the kernel's
# parser reads a leading 0 as octal)
case \${#khz} in 6|7) khz=$(printf '%-7s' "$khz") ;; *) fail "no TSC kHz in dmesg" ;; esac
# boot NAME CMDLINE_ADDR HB_ADDR CORES...: load, put OS1's TSC kHz into the command line,
# start; a boot whose guest never beats twice in 90 s is parked with INIT and booted again,
# at most twice, and each retry is reported (see README: the LAPIC timer verification).
boot() {
  name=$1; cl=$2; hb=$3; shift 3
  n=0
  while :; do
    sh /load-$name.sh || fail "load $name $?"
    printf '%s' "$khz" | /tessera-apic --write $((cl + 14)) || fail "tsc patch"
    sh /start-$name.sh || fail "start $name $?"
    i=0
    while [ "$(u32 $hb)" -lt 2 ] && [ $i -lt 90 ]; do i=$((i + 1)); sleep 1; done
    [ "$(u32 $hb)" -ge 2 ] && return 0
    n=$((n + 1))
    echo "@@OS1-RETRY $name state $(u32 $((hb - 4))) hb $(u32 $hb)"
    [ $n -le 2 ] || fail "$name never beat"
    /tessera-apic $(for c in "$@"; do printf '%s:0x4500:0 ' "$c"; done) || fail "park $name"
  done
}
echo "@@OS1-LOC-BEFORE $(loc)"
sh /lint0.sh > /lint0.out || fail "mask LINT0 $?"
sed 's/^/@@OS1-LINT0 /' /lint0.out
boot os2 0x40001000 0x3ffff00c 1 2
boot os3 0x60001000 0x3fffe00c 3
echo "@@OS1-STARTED"
i=0
until [ "$(u32 0x3ffff00c)" -ge 3 ] && [ "$(u32 0x3fffe00c)" -ge 3 ]; do
  i=$((i + 1)); [ $i -le 180 ] || fail "no heartbeats: os2 state $(u32 0x3ffff008) hb $(u32 0x3ffff00c), os3 state $(u32 0x3fffe008) hb $(u32 0x3fffe00c)"
  sleep 1
done
echo "@@OS1-BEATING os2 $(u32 0x3ffff008) $(u32 0x3ffff00c) $(u32 0x3ffff014) os3 $(u32 0x3fffe008) $(u32 0x3fffe00c) $(u32 0x3fffe014)"
w32 0x3ffff010 1
i=0
until [ "$(u32 0x3ffff008)" = 3 ]; do i=$((i + 1)); [ $i -le 60 ] || fail "os2 did not acknowledge the stop"; sleep 1; done
/tessera-apic 1:0x4500:0 2:0x4500:0 || fail "park os2 $?"
a=$(u32 0x3ffff00c); sleep 3; b=$(u32 0x3ffff00c)
echo "@@OS1-OS2-STOPPED $a $b"
a=$(u32 0x3fffe00c); sleep 3; b=$(u32 0x3fffe00c)
echo "@@OS1-OS3-STILL-BEATING $a $b"
# restart os2 while os3 runs: write its images again (clearing its mailbox), start it again
boot os2 0x40001000 0x3ffff00c 1 2
echo "@@OS1-OS2-RESTARTED $(u32 0x3ffff008) $(u32 0x3ffff00c) $(u32 0x3ffff014)"
/tessera-apic 3:0x4500:0 || fail "force-stop os3 $?"
sleep 1; a=$(u32 0x3fffe00c); c=$(u32 0x3ffff00c); sleep 3; b=$(u32 0x3fffe00c); d=$(u32 0x3ffff00c)
echo "@@OS1-OS3-FORCE-STOPPED $a $b"
echo "@@OS1-OS2-STILL-BEATING $c $d"
/tessera-apic 1:0x4500:0 2:0x4500:0 || fail "force-stop os2 $?"
echo "@@OS1-LOC-AFTER $(loc)"
echo "@@OS1-ONLINE $(cat /sys/devices/system/cpu/online)"
echo "@@OS1-DONE"
poweroff -f
`;

function writeExecutable(path: string, text: string) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

function baseRoot(dir: string, busybox: string) {
  for (const d of ["bin", "proc", "sys", "dev", "boot"])
    mkdirSync(join(dir, d), { recursive: true });
  copyFileSync(busybox, join(dir, "bin", "busybox"));
  chmodSync(join(dir, "bin", "busybox"), 0o755);
}

export interface DirectProofBoot {
  os1: string;
  os2: string;
  os3: string;
  exitCode: number | null;
  killed: boolean;
  seconds: number;
  /** The work directory (serial logs), removed after a finished run unless TESSERA_KEEP_PROOF. */
  work: string;
}

export type DirectBootPlan = Omit<BootPlan, "successors"> & { successors: DirectPlan[] };

export async function bootDirectProof(
  qemu: string,
  plan: DirectBootPlan,
  hardKillMs = 600_000,
): Promise<DirectProofBoot> {
  const deb = fetchDebian();
  const work = mkdtempSync(join(CACHE, "direct-proof-"));
  const succRoot = join(work, "successor-root");
  baseRoot(succRoot, deb.busybox);
  writeExecutable(join(succRoot, "init"), SUCCESSOR_INIT);
  writeExecutable(join(succRoot, "guest.sh"), directGuestScript());
  const os1Root = join(work, "os1-root");
  baseRoot(os1Root, deb.busybox);
  copyFileSync(deb.vmlinuz, join(os1Root, "boot", "vmlinuz"));
  execFileSync(join(SCRIPTS, "make-initramfs.sh"), [
    succRoot,
    join(os1Root, "boot", "successor.img"),
  ]);
  const helper = await buildApicHelper({});
  if (helper.how === "dynamic" || !existsSync(helper.path))
    throw new Error(
      "the APIC helper did not link statically: OS1's initramfs has no C library (install libc6-dev)",
    );
  copyFileSync(helper.path, join(os1Root, "tessera-apic"));
  chmodSync(join(os1Root, "tessera-apic"), 0o755);
  const kernel = readFileSync(deb.vmlinuz);
  const initrd = readFileSync(join(os1Root, "boot", "successor.img"));
  const images = Object.fromEntries(
    plan.successors.map((s) => [s.name, buildDirectImages({ plan: s, kernel, initrd })]),
  );
  const script = planToDirectShell(plan, images).replace(
    "APIC=${TESSERA_APIC:-./tessera-apic}",
    "APIC=/tessera-apic",
  );
  // The script loads every successor, then starts them: split there so OS1 can put its TSC
  // frequency into the command lines in between.
  const at = (marker: string) => {
    const i = script.indexOf(`\n# ===== ${marker}`);
    if (i < 0) throw new Error(`the direct script has no "${marker}" section`);
    return i;
  };
  const prelude = script.slice(0, at("load OS2"));
  // One load and one start script per successor, as an operator would pick them out.
  const sections: [string, number, number][] = [
    ["load-os2", at("load OS2"), at("load OS3")],
    ["load-os3", at("load OS3"), at("OS1's own LINT0")],
    ["lint0", at("OS1's own LINT0"), at("start os2")],
    ["start-os2", at("start os2"), at("start os3")],
    ["start-os3", at("start os3"), script.length],
  ];
  for (const [file, from, to] of sections)
    writeExecutable(join(os1Root, `${file}.sh`), prelude + script.slice(from, to) + "\n");
  writeExecutable(join(os1Root, "init"), OS1_INIT);
  const os1Initrd = join(work, "os1.cpio.gz");
  execFileSync(join(SCRIPTS, "make-initramfs.sh"), [os1Root, os1Initrd]);
  const cpus = 1 + plan.successors.reduce((n, s) => n + s.cpuCount, 0);
  const logs = { os2: join(work, "os2.log"), os3: join(work, "os3.log") };
  const args = [
    "-M",
    "q35",
    "-accel",
    "tcg",
    // Virtual time from the instruction count: a vCPU thread the loaded host does not run
    // loses no PIT ticks, so a successor's LAPIC timer verification cannot fail for that.
    "-icount",
    "shift=auto,sleep=on",
    "-m",
    "2G",
    "-smp",
    String(cpus),
    "-display",
    "none",
    "-no-reboot",
    "-serial",
    "stdio",
    "-serial",
    `file:${logs.os2}`,
    "-serial",
    `file:${logs.os3}`,
    "-kernel",
    deb.vmlinuz,
    "-initrd",
    os1Initrd,
    "-append",
    plan.os1.cmdline,
  ];
  const r = await runQemu(qemu, args, hardKillMs);
  const read = (f: string) => (existsSync(f) ? readFileSync(f, "latin1") : "");
  const out = {
    os1: r.output,
    os2: read(logs.os2),
    os3: read(logs.os3),
    exitCode: r.exitCode,
    killed: r.killed,
    seconds: r.seconds,
  };
  // Kept when asked, and whenever OS1 did not finish: the serial logs say why.
  const finished = r.output.includes("@@OS1-DONE");
  if (finished && !process.env.TESSERA_KEEP_PROOF) rmSync(work, { recursive: true, force: true });
  return { ...out, work };
}

/** Lines tagged `@@TAG ` anywhere in a log (kmsg lines carry a timestamp before the tag). */
export function tagged(log: string, tag: string): string[] {
  const out: string[] = [];
  for (const l of log.split(/\r?\n/)) {
    const i = l.indexOf(`@@${tag} `);
    if (i >= 0) out.push(l.slice(i + tag.length + 3));
    else if (l.endsWith(`@@${tag}`)) out.push("");
  }
  return out;
}
