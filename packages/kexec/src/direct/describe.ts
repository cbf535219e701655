// What the direct loader will write and run for a successor, in words and data: for the
// console's boot preview and /api/plan. Pure: the caller reads the kernel header and sizes.
import { hex, humanSize } from "@tessera/core";
import type { BzImageHeader } from "../bzimage";
import { stepArg, parkSequence, startSequence, type IpiStep } from "./ipi";
import { directLayout } from "./layout";
import { buildMpTable } from "./mp-table";
import type { DirectPlan } from "./plan-shape";

export interface DirectDescription {
  name: string;
  writes: { what: string; address: string; bytes: number; from: string }[];
  mpTable: { pointer: string; config: string; cpus: number[]; bsp: number };
  ipis: { start: IpiStep[]; park: IpiStep[] };
  /** The helper's arguments after its path (xAPIC); x2APIC writes the same steps to MSR 0x830. */
  helperArgs: { start: string[]; park: string[] };
  /** Sentences for people, in the order things happen. */
  lines: string[];
}

export function describeDirect(
  plan: DirectPlan,
  kernel: { header: BzImageHeader; fileBytes: number },
  initrdBytes: number,
  margin?: bigint,
): DirectDescription {
  const layout = directLayout({
    plan,
    header: kernel.header,
    kernelFileBytes: kernel.fileBytes,
    initrdBytes,
    margin,
  });
  const mp = buildMpTable(plan.direct.mpTable, plan.cpus, plan.bsp, layout.mpConfigSpare);
  const start = startSequence(plan.bsp, plan.sipiVector);
  const park = parkSequence(plan.cpus);
  const writes = [
    {
      what: "zero page",
      address: hex(layout.zeroPage),
      bytes: 4096,
      from: "setup header of the bzImage + e820 of the plan",
    },
    {
      what: "command line",
      address: hex(layout.cmdline),
      bytes: Buffer.byteLength(plan.cmdline) + 1,
      from: "the plan",
    },
    {
      what: "kernel",
      address: hex(layout.kernel),
      bytes: layout.kernelBytes,
      from: `${plan.kernel ?? "?"} from offset ${layout.kernelFileOffset}`,
    },
    ...(layout.initrd === null
      ? []
      : [
          {
            what: "initrd",
            address: hex(layout.initrd),
            bytes: initrdBytes,
            from: plan.initrd ?? "?",
          },
        ]),
    {
      what: "trampoline",
      address: hex(layout.trampoline),
      bytes: 0x66,
      from: "real mode to the 32-bit entry",
    },
    {
      what: "mailbox",
      address: hex(plan.direct.mailbox),
      bytes: 4096,
      from: "magic and version, the rest 0",
    },
  ];
  const lines = [
    `load: write ${plan.name} into ${hex(plan.memMin)}-${hex(plan.memMax)} through /dev/mem: zero page at ${hex(layout.zeroPage)}, command line at ${hex(layout.cmdline)}, kernel (${humanSize(BigInt(layout.kernelBytes))}, init_size ${humanSize(kernel.header.initSize)}) at ${hex(layout.kernel)}${layout.initrd === null ? "" : `, initrd (${humanSize(BigInt(initrdBytes))}) at ${hex(layout.initrd)}`}; trampoline in the low slice at ${hex(layout.trampoline)}; mailbox cleared at ${hex(plan.direct.mailbox)}.`,
    `start: once no earlier successor is in early boot, write the MP table at ${hex(mp.pointerAt)} (config at ${hex(mp.configAt)}: cores ${plan.cpus.join(",")}, BSP ${plan.bsp}), then INIT, 10 ms, STARTUP ${hex(plan.sipiVector)}, 200 us, STARTUP ${hex(plan.sipiVector)} to LAPIC ${plan.bsp}.`,
    `running: the guest script reports LVT0 masked, boot complete and a heartbeat every second in the mailbox; the agent polls it.`,
    `stop: write the stop request, wait for the guest's acknowledgement, then INIT core(s) ${plan.cpus.join(",")}; force-stop sends the INITs at once.`,
  ];
  return {
    name: plan.name,
    writes,
    mpTable: {
      pointer: hex(mp.pointerAt),
      config: hex(mp.configAt),
      cpus: plan.cpus,
      bsp: plan.bsp,
    },
    ipis: { start, park },
    helperArgs: { start: start.map(stepArg), park: park.map(stepArg) },
    lines,
  };
}
