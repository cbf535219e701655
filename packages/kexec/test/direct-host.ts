// A temp tree standing in for OS1 (TEST DOUBLES): /proc/cmdline, /proc/iomem,
// /proc/cpuinfo, sysfs cpu online files, a sparse file in place of /dev/mem, and a stand-in
// APIC helper that records its argv instead of sending IPIs. The QEMU proof uses the real ones.
import {
  chmodSync,
  closeSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  writeFileSync,
  writeSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApicHelper } from "../src/direct/apic";
import type { DirectConfig } from "../src/types";
import type { DirectPlan } from "../src/direct/plan-shape";
import { bzImageWithPayload, directSuccessor } from "./direct-fixture";

export const OS1_CMDLINE =
  "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro maxcpus=1 mem=1G memmap=64K$0x80000 memmap=64K$0x70000 memmap=4K$0x3ffff000 memmap=4K$0x3fffe000 iomem=relaxed hpet=disable nox2apic";

export const IOMEM = `00000000-00000fff : Reserved
00001000-0006ffff : System RAM
00070000-0008ffff : Reserved
00090000-0009fbff : System RAM
0009fc00-0009ffff : Reserved
000f0000-000fffff : Reserved
00100000-3fffdfff : System RAM
  01000000-01ffffff : Kernel code
3fffe000-3fffffff : Reserved
fee00000-fee00fff : Local APIC
`;

export interface Host {
  dir: string;
  config: Omit<DirectConfig, "kind" | "onGuestEvent">;
  devMem: string;
  ipiLog: string;
  /** The real helper, built from native/tessera-apic.c (the config's helper wraps it). */
  realHelper: string;
  kernel: string;
  initrd: string;
  read(addr: bigint, n: number): Buffer;
  write(addr: bigint, b: Buffer): void;
  u32(addr: bigint): number;
  setU32(addr: bigint, v: number): void;
  ipis(): string[][];
  /** The helper's runs other than memory writes and reads, in order (IPIs, LINT0 masks). */
  helperRuns(): string[][];
  os2(over?: Partial<DirectPlan>): DirectPlan;
  os3(over?: Partial<DirectPlan>): DirectPlan;
}

export async function makeHost(
  opts: {
    cpuinfo?: string;
    cmdline?: string;
    iomem?: string;
    /** logical CPUs whose online file says 1 */ online?: number[];
  } = {},
): Promise<Host> {
  const dir = mkdtempSync(join(tmpdir(), "direct-host-"));
  const proc = join(dir, "proc");
  const sys = join(dir, "sys");
  mkdirSync(proc);
  writeFileSync(join(proc, "cmdline"), (opts.cmdline ?? OS1_CMDLINE) + "\n");
  writeFileSync(join(proc, "iomem"), opts.iomem ?? IOMEM);
  writeFileSync(
    join(proc, "cpuinfo"),
    opts.cpuinfo ?? "processor\t: 0\napicid\t\t: 0\nflags\t\t: fpu apic tsc\n\n",
  );
  for (const n of [0, 1, 2, 3]) {
    mkdirSync(join(sys, "devices", "system", "cpu", `cpu${n}`), { recursive: true });
    const on = (opts.online ?? []).includes(n) ? "1" : "0";
    if (n > 0) writeFileSync(join(sys, "devices", "system", "cpu", `cpu${n}`, "online"), `${on}\n`);
  }
  const onlineList = [0, ...(opts.online ?? []).filter((n) => n > 0)].join(",");
  writeFileSync(join(sys, "devices", "system", "cpu", "online"), `${onlineList}\n`);
  const devMem = join(dir, "mem");
  const fd = openSync(devMem, "w");
  // Sparse: up to the local APIC page, which the real helper writes the ICR into.
  ftruncateSync(fd, 0xfee01000);
  closeSync(fd);
  const ipiLog = join(dir, "ipi.log");
  // The real helper (built from native/tessera-apic.c) behind a recording wrapper: the
  // wrapper is the TEST DOUBLE (it logs every call, and fails when asked); the writes and
  // ICR stores into the stand-in /dev/mem are the helper's own.
  const real = (await buildApicHelper({})).path;
  const helper = join(dir, "stand-in-apic");
  writeFileSync(
    helper,
    `#!/bin/sh\n# TEST DOUBLE around tessera-apic: records its argv, one line per run; its IPI runs fail when asked.\necho "$*" >> '${ipiLog}'\n[ "$3" != --write ] && [ "$3" != --read ] && [ "$3" != --mask-lint0 ] && [ -f '${dir}/apic-fail' ] && { echo "tessera-apic: the previous IPI is still pending" >&2; exit 4; }\nexec '${real}' "$@"\n`,
  );
  chmodSync(helper, 0o755);
  const kernel = join(dir, "vmlinuz");
  writeFileSync(kernel, bzImageWithPayload(0x20000));
  const initrd = join(dir, "initrd.img");
  writeFileSync(initrd, Buffer.alloc(0x3000, 0x5a));
  const read = (addr: bigint, n: number) => {
    const f = openSync(devMem, "r");
    const b = Buffer.alloc(n);
    readSync(f, b, 0, n, Number(addr));
    closeSync(f);
    return b;
  };
  const write = (addr: bigint, b: Buffer) => {
    const f = openSync(devMem, "r+");
    writeSync(f, b, 0, b.length, Number(addr));
    closeSync(f);
  };
  return {
    dir,
    devMem,
    ipiLog,
    realHelper: real,
    kernel,
    initrd,
    config: {
      devMem,
      procRoot: proc,
      sysRoot: sys,
      msrDir: join(dir, "no-msr"),
      apicHelper: helper,
      pollMs: 20,
      stopTimeoutMs: 1000,
      earlyBootTimeoutMs: 1000,
    },
    read,
    write,
    u32: (addr) => read(addr, 4).readUInt32LE(0),
    setU32: (addr, v) => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(v);
      write(addr, b);
    },
    ipis: () =>
      existsSync(ipiLog)
        ? readFileSync(ipiLog, "utf8")
            .trim()
            .split("\n")
            .map((l) => l.split(" ").slice(2))
            .filter((a) => a[0] !== "--write" && a[0] !== "--read" && a[0] !== "--mask-lint0")
        : [],
    helperRuns: () =>
      existsSync(ipiLog)
        ? readFileSync(ipiLog, "utf8")
            .trim()
            .split("\n")
            .map((l) => l.split(" ").slice(2))
            .filter((a) => a[0] !== "--write" && a[0] !== "--read")
        : [],
    os2: (over = {}) => directSuccessor({ kernel, initrd, ...over }),
    os3: (over = {}) =>
      directSuccessor({
        name: "os3",
        index: 3,
        bsp: 3,
        cpus: [3],
        cpuCount: 1,
        memMin: 0x60000000n,
        memMax: 0x7fffffffn,
        memory: [{ start: 0x60000000n, size: 0x20000000n }],
        lowMemory: { start: 0x70000n, size: 0x10000n },
        sipiVector: 0x70,
        e820: [
          { start: 0x70000n, size: 0x10000n, type: "usable" },
          { start: 0x60000000n, size: 0x20000000n, type: "usable" },
        ],
        kernel,
        initrd,
        cmdline: "acpi=off pci=off noapic nokaslr tessera.mailbox=0x3fffe000",
        direct: { mailbox: 0x3fffe000n, mpTable: 0x380n, console: null, tscKhz: 2300000 },
        ...over,
      }),
  };
}
