// The direct loader's part of a successor's plan (the contract between the planner and this
// loader). REPLACE WITH CORE'S TYPE: until packages/core exports `DirectSuccessorPlan` and
// `SuccessorPlan.direct`, this file declares the same shape so the loader can be built and
// tested; on merge it becomes a re-export of core's types.
import type { SuccessorPlan } from "@tessera/core";

export interface DirectSuccessorPlan {
  /** 4 KiB mailbox page: outside every successor's RAM, reserved in OS1 (memmap=4K$). */
  mailbox: bigint;
  /** Where the MP floating pointer goes (the config table 16 bytes after it): 0x380. */
  mpTable: bigint;
  /** The serial port the successor's console uses, null when it owns none. */
  console: { port: number; tty: string } | null;
  /** OS1's TSC frequency, handed to the successor as tsc_early_khz. */
  tscKhz: number;
}

/** A successor planned for the direct loader. */
export type DirectPlan = SuccessorPlan & { direct: DirectSuccessorPlan };

export function isDirectPlan(p: SuccessorPlan): p is DirectPlan {
  const d = (p as { direct?: unknown }).direct;
  return typeof d === "object" && d !== null;
}
