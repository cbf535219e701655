// The OS1 slice: what the running OS1 booted with (the defaults of its slot's kernel, initrd
// and root), whether it runs the active profile's options, and the GRUB dialog. Contract:
// only os1/os1-actions.ts calls its setters.
import type { Os1BootFacts, Os1Report } from "@tessera/core";

export interface Os1Slice {
  os1Boot: Os1BootFacts | null;
  os1Report: Os1Report | null;
  /** Why OS1's facts could not be read, in words (the agent's error). */
  os1Error: string | null;
  grubOpen: boolean;
  setOs1(v: {
    os1Boot: Os1BootFacts | null;
    os1Report: Os1Report | null;
    os1Error: string | null;
  }): void;
  setGrubOpen(open: boolean): void;
}
