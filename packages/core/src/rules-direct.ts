// Rules about what OS1 keeps for itself on shared legacy hardware (DEV-OS1-*, every loader),
// and about what the direct loader needs (DIRECT-*, only when planning for it).
import type { Device } from "./model";
import { ownerOf } from "./ownership";
import { successorTsc } from "./direct-options";
import { consolePorts, serialTty, type ConsolePort } from "./serial";
import { hex } from "./units";
import { instanceLabel, report, type Ctx } from "./rule-context";

/** DIRECT-*: only for plans made for the direct loader. */
export function checkDirect(ctx: Ctx): void {
  if (ctx.opts.loader !== "direct") return;
  for (let i = 0; i < ctx.p.instances.length; i++) {
    checkApicIds(ctx, i);
    if (i === 0) continue;
    checkTsc(ctx, i);
    checkPci(ctx, i);
  }
}

/** 0xff is the xAPIC broadcast ID: 254 is the highest a core can have in xAPIC mode. */
export const XAPIC_MAX_ID = 254;

function checkApicIds(ctx: Ctx, i: number): void {
  const cpus = ctx.p.instances[i]!.cpus;
  let first = -1;
  const high: number[] = [];
  for (let k = 0; k < cpus.length; k++) {
    if (cpus[k]! <= XAPIC_MAX_ID) continue;
    if (first < 0) first = k;
    high.push(cpus[k]!);
  }
  if (high.length === 0) return;
  const label = instanceLabel(ctx, i);
  const shown =
    high.length > 8
      ? `${high.slice(0, 8).join(", ")} and ${high.length - 8} more`
      : high.join(", ");
  report(
    ctx,
    "DIRECT-APIC-ID",
    i,
    `instances[${i}].cpus[${first}]`,
    i === 0
      ? `OS1 holds LAPIC IDs above ${XAPIC_MAX_ID} (${shown}): the direct loader runs OS1 with nox2apic, and in xAPIC mode Linux cannot bring those cores up.`
      : `${label} holds LAPIC IDs above ${XAPIC_MAX_ID} (${shown}): the direct loader describes a successor's cores in an MP table, whose processor entries hold an 8-bit APIC ID.`,
    `Give ${label} cores with LAPIC IDs up to ${XAPIC_MAX_ID}, or use another loader on this machine.`,
    { cpus: high },
  );
}

/** OS1's console ports: from the command line it runs with and the one it is planned with. */
function os1Consoles(ctx: Ctx): (ConsolePort & { source: string })[] {
  const out: (ConsolePort & { source: string })[] = [];
  const running = ctx.facts.os1Cmdline;
  if (running) for (const c of consolePorts(ctx.m, running)) out.push({ ...c, source: "running" });
  const planned = ctx.p.instances[0]?.cmdline;
  if (planned)
    for (const c of consolePorts(ctx.m, planned))
      if (!out.some((x) => x.port === c.port)) out.push({ ...c, source: "planned" });
  return out;
}

/** DEV-OS1-CONSOLE and DEV-OS1-LINE, for every loader. */
export function checkOs1Console(ctx: Ctx): void {
  // Only successors' legacy devices can clash with OS1's console: without any, nothing to do
  // (the common case, and the 4096-device bench, never parse a command line).
  const theirs: { i: number; k: number; d: Device & { bus: "legacy" } }[] = [];
  for (const d of ctx.idx.legacy) {
    const i = ownerOf(ctx.own, d.id);
    if (i !== undefined && i > 0) {
      theirs.push({ i, k: ctx.p.instances[i]!.devices.indexOf(d.id), d });
    }
  }
  if (theirs.length === 0) return;
  for (const c of os1Consoles(ctx)) {
    const consoleId = `serial@${hex(c.port)}`;
    const said = `${c.option} on its ${c.source === "running" ? "running" : "planned"} command line`;
    const consoleDev = ctx.idx.deviceById.get(consoleId);
    // An ISA line OS1 already owns through the profile is DEV-IRQ-SHARED's to report.
    const line =
      consoleDev?.bus === "legacy" && ownerOf(ctx.own, consoleId) !== 0 ? consoleDev.irq : null;
    for (const { i, k, d } of theirs) {
      const label = instanceLabel(ctx, i);
      const path = `instances[${i}].devices[${k}]`;
      if (d.id === consoleId) {
        report(
          ctx,
          "DEV-OS1-CONSOLE",
          i,
          path,
          `${label} owns ${d.id}, the serial port OS1's console writes to (${said}): two kernels would drive one UART.`,
          `Give ${label} another serial port, or move OS1's console off ${serialTty(ctx.m, c.port) ?? d.id}.`,
          { devices: [d.id] },
        );
      } else if (line !== null && d.irq === line) {
        report(
          ctx,
          "DEV-OS1-LINE",
          i,
          path,
          `${d.id} (${label}) interrupts on ISA line ${line}, which OS1's console ${consoleId} also uses (${said}): an ISA line reaches both kernels.`,
          `Give ${label} a device on another line, or move OS1's console.`,
          { devices: [d.id, consoleId] },
        );
      }
    }
  }
}

function checkTsc(ctx: Ctx, i: number): void {
  const inst = ctx.p.instances[i]!;
  const tsc = successorTsc(ctx.m, inst);
  if (tsc.khz !== null) return;
  const label = instanceLabel(ctx, i);
  report(
    ctx,
    "DIRECT-TSC-UNKNOWN",
    i,
    `instances[${i}].cmdline`,
    tsc.invalid
      ? `${label}'s command line sets ${tsc.invalid}, which is not a frequency in kHz; the direct loader hands a successor OS1's TSC frequency (its own calibration can hang).`
      : `The direct loader hands ${label} OS1's TSC frequency as tsc_early_khz= (its own calibration can hang), and OS1's is not known: discovery did not find it in OS1's kernel log.`,
    "Rescan the machine as root (the agent reads the kernel log), or add tsc_early_khz=KHZ to the instance's command line: OS1's log says it at boot (dmesg | grep 'tsc: Detected'; 2300.000 MHz is tsc_early_khz=2300000).",
  );
}

function checkPci(ctx: Ctx, i: number): void {
  const inst = ctx.p.instances[i]!;
  const pci: string[] = [];
  let first = -1;
  for (let k = 0; k < inst.devices.length; k++) {
    if (ctx.idx.deviceById.get(inst.devices[k]!)?.bus !== "pci") continue;
    if (first < 0) first = k;
    pci.push(inst.devices[k]!);
  }
  if (pci.length === 0) return;
  const label = instanceLabel(ctx, i);
  report(
    ctx,
    "DIRECT-PCI",
    i,
    `instances[${i}].devices[${first}]`,
    `${label} owns PCI device${pci.length === 1 ? "" : "s"} ${pci.slice(0, 8).join(", ")}${pci.length > 8 ? ` and ${pci.length - 8} more` : ""}: under the direct loader successors boot with pci=off (PCI in successors is not proven yet), so its kernel will not drive ${pci.length === 1 ? "it" : "them"}.`,
    "Leave PCI devices to OS1 for now, or start this instance with a loader that supports PCI in successors.",
    { devices: pci },
  );
}
