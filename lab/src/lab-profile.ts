// The lab's layout on its QEMU q35 machine (4 cores, 2 GiB): OS1 keeps core 0, the first GiB
// and the first serial port; os2 gets two cores and 256 MiB at 1 GiB; os3 one core and
// 256 MiB after it. Each successor owns a serial port for its console (COM2, and COM3 which
// the lab machine puts on its own line: see qemu-machine.ts). Device ids are the ones
// discovery gives QEMU's ISA serial ports.
import type { Profile } from "@tessera/core";

export const LAB_CPUS = 4;
export const LAB_MEMORY_MIB = 2048;
/** Where the lab puts the successors' kernel and initramfs inside OS1. */
export const GUEST_KERNEL = "/boot/vmlinuz";
export const GUEST_INITRD = "/boot/successor.img";

export function labProfileJson(): Record<string, unknown> {
  const successor = (name: string, cpus: number[], start: string, serial: string) => ({
    name,
    cpus,
    memory: [{ start, size: "256M" }],
    devices: [serial],
    kernel: GUEST_KERNEL,
    initrd: GUEST_INITRD,
  });
  return {
    schema: "tessera/profile@1",
    name: "lab",
    instances: [
      {
        name: "os1",
        cpus: [0],
        memory: [{ start: "0x0", size: "1G" }],
        devices: ["serial@0x3f8"],
        cmdline: "console=ttyS0,115200",
      },
      successor("os2", [1, 2], "0x40000000", "serial@0x2f8"),
      successor("os3", [3], "0x50000000", "serial@0x3e8"),
    ],
  } satisfies Record<string, unknown> & Partial<Pick<Profile, "name">>;
}
