// A hand-written SuccessorPlan for loader tests: the input a planner would hand over.
// The QEMU proof builds its plan with core's real plan() instead.
import type { BootPlan, SuccessorPlan } from "@tessera/core";

export function successor(over: Partial<SuccessorPlan> = {}): SuccessorPlan {
  return {
    name: "web",
    index: 2,
    bsp: 2,
    cpus: [2, 3],
    cpuCount: 2,
    memMin: 0x40000000n,
    memMax: 0x5fffffffn,
    memory: [{ start: 0x40000000n, size: 0x20000000n }],
    lowMemory: { start: 0x80000n, size: 0x10000n },
    sipiVector: 0x80,
    e820: [
      { start: 0x80000n, size: 0x10000n, type: "usable" },
      { start: 0x40000000n, size: 0x20000000n, type: "usable" },
    ],
    devices: ["serial@0x2f8"],
    kernel: "/boot/vmlinuz-6.1.0-amd64",
    initrd: "/boot/initrd.img-6.1.0-amd64",
    options: [
      "nokaslr",
      "maxcpus=2",
      "memmap=exactmap",
      "memmap=64K@0x80000",
      "memmap=512M@0x40000000",
    ],
    cmdline:
      "console=ttyS1,115200 nokaslr maxcpus=2 memmap=exactmap memmap=64K@0x80000 memmap=512M@0x40000000",
    ...over,
  };
}

export function bootPlan(successors: SuccessorPlan[]): BootPlan {
  return {
    schema: "tessera/plan@1",
    profile: "demo",
    os1: {
      name: "os1",
      cpus: [0, 1],
      maxcpus: 2,
      memEnd: 0x40000000n,
      reservations: [{ start: 0x80000n, size: 0x10000n }],
      devices: [],
      options: ["maxcpus=2", "mem=1G", "memmap=64K$0x80000"],
      cmdline: "root=/dev/sda1 ro maxcpus=2 mem=1G memmap=64K$0x80000",
      // OS1 is booted by QEMU (-kernel), not by GRUB: no entry.
      kernel: null,
      initrd: null,
      root: "/dev/sda1",
      grubEntry: null,
    },
    successors,
    diagnostics: [],
  };
}
