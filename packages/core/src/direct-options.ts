// The plan for the direct loader (packages/kexec): stock kernels started from OS1 through
// INIT-SIPI-SIPI, with the zero page, e820 and an MP table written by the loader itself.
// Every option here was found necessary by a failing run on stock Debian kernels; SPEC.md
// ("Planning for the direct loader") says which failure each one prevents.
import type { Ctx, DirectLayout } from "./rule-context";
import type { DirectSuccessorPlan, Instance, Machine, Range } from "./model";
import { deviceOptions, os1Reservations } from "./boot-options";
import { splitCmdline } from "./cmdline";
import { serialTty } from "./serial";
import { PAGE, alignDown, alignUp, hex, kernelSize, overlaps } from "./units";

/** The MP floating pointer for every successor: in the real-mode IVT (0x0-0x3ff), which a
 * 64-bit OS1 never uses and which Linux scans before the BIOS areas. */
export const MP_TABLE_ADDR = 0x380n;
export const MAILBOX_SIZE = PAGE;

const SUCCESSOR_FIXED = [
  // The firmware's ACPI tables and MP table describe the whole machine (APIC 0 as BSP):
  // with ACPI on a successor rewrites the ELCR and probes OS1's devices.
  "acpi=off",
  "pci=off",
  // Only with noapic does Linux reopen LINT0 (masked by INIT) as ExtINT for its PIT tick.
  "noapic",
  // The decompressor would choose its address from the whole e820 map.
  "nokaslr",
];

const SUCCESSOR_TAIL = [
  "tsc=reliable",
  // A multi-core successor's panic with broadcast IPIs stopped OS1 dead.
  "no_ipi_broadcast=1",
  // A successor must halt, never reset the machine.
  "panic=0",
  // The guest script writes its mailbox and masks its own LVT0 through /dev/mem.
  "iomem=relaxed",
  // The serial console stops once another successor boots; /dev/kmsg stays polled.
  "printk.devkmsg=on",
  // Keep the successor's drivers off OS1's keyboard controller and RTC.
  "initcall_blacklist=i8042_init,cmos_init,add_rtc_cmos",
];

export type { DirectLayout };

/** The mailbox pages, computed once per validation. */
export function directLayout(ctx: Ctx): DirectLayout {
  if (!ctx.direct) ctx.direct = { mailboxes: mailboxPages(ctx) };
  return ctx.direct;
}

/**
 * The top usable 4 KiB pages of OS1's main range, one per successor (the first successor gets
 * the highest). They lie in OS1's range, so outside every successor's RAM, and OS1 gives them
 * up with memmap=4K$ADDR. Pages that are not usable RAM (firmware tables at the top of a
 * range) or that touch a low slice are skipped.
 */
function mailboxPages(ctx: Ctx): (bigint | null)[] {
  const n = ctx.p.instances.length;
  const out: (bigint | null)[] = new Array(n).fill(null);
  const main = ctx.p.instances[0]?.memory[0];
  if (!main || n < 2) return out;
  const end = main.start + main.size;
  const slices = ctx.slices.slices.filter((s): s is Range => s !== null);
  let next = 1;
  for (let k = ctx.idx.usable.length - 1; k >= 0 && next < n; k--) {
    const u = ctx.idx.usable[k]!;
    const top = alignDown(u.start + u.size < end ? u.start + u.size : end, PAGE);
    const bottom = alignUp(u.start > main.start ? u.start : main.start, PAGE);
    for (let page = top - PAGE; page >= bottom && next < n; page -= PAGE) {
      const r = { start: page, size: PAGE };
      if (slices.some((s) => overlaps(s, r))) continue;
      out[next++] = page;
    }
  }
  return out;
}

/** OS1's memmap=$ reservations under direct: the low slices and the mailbox pages. */
export function directOs1Reservations(ctx: Ctx): Range[] {
  const out = os1Reservations(ctx.p, ctx.slices.slices);
  for (const page of directLayout(ctx).mailboxes)
    if (page !== null) out.push({ start: page, size: MAILBOX_SIZE });
  return out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

export function directOs1Options(ctx: Ctx): string[] {
  const inst = ctx.p.instances[0]!;
  const end = inst.memory[0] ? inst.memory[0].start + inst.memory[0].size : 0n;
  const out = [`maxcpus=${inst.cpus.length}`, `mem=${kernelSize(end)}`];
  for (const r of directOs1Reservations(ctx))
    out.push(`memmap=${kernelSize(r.size)}$${hex(r.start)}`);
  // Debian's CONFIG_IO_STRICT_DEVMEM refuses to map the LAPIC page without iomem=relaxed.
  // OS1's HPET in legacy-replacement mode keeps the PIT's interrupt from the successors.
  out.push("iomem=relaxed", "hpet=disable");
  // The successors run xAPIC (their mailbox script masks LVT0 through MMIO); nox2apic keeps
  // OS1 there too. Harmless on a CPU without x2APIC, so it is kept when discovery could not tell.
  if (ctx.m.platform?.x2apic !== false) out.push("nox2apic");
  out.push(...deviceOptions(ctx.m, ctx.p, ctx.own, 0, ctx.opts));
  return out;
}

export function directSuccessorOptions(ctx: Ctx, i: number): string[] {
  const inst = ctx.p.instances[i]!;
  const out = [...SUCCESSOR_FIXED];
  const tsc = successorTsc(ctx.m, inst);
  // A tsc_early_khz= the user wrote stays theirs (it follows in their command line).
  if (tsc.from === "discovery") out.push(`tsc_early_khz=${tsc.khz}`);
  out.push(...SUCCESSOR_TAIL);
  const mailbox = directLayout(ctx).mailboxes[i];
  if (mailbox !== null && mailbox !== undefined) out.push(`tessera.mailbox=${hex(mailbox)}`);
  const console = successorConsole(ctx.m, inst);
  if (console) {
    // The early parser knows only ttyS0/ttyS1 by name: earlyprintk takes the port number.
    out.push(`console=${console.tty},115200`, `earlyprintk=serial,${hex(console.port)},115200`);
  }
  out.push(...deviceOptions(ctx.m, ctx.p, ctx.own, i, ctx.opts));
  return out;
}

export function directSuccessorPlan(ctx: Ctx, i: number): DirectSuccessorPlan {
  const inst = ctx.p.instances[i]!;
  const mailbox = directLayout(ctx).mailboxes[i];
  const tsc = successorTsc(ctx.m, inst);
  // MEM-TOO-SMALL keeps 128 MiB of usable RAM in OS1's range and DIRECT-TSC-UNKNOWN refuses
  // an unknown frequency: a plan without either is a bug, not a user error.
  if (mailbox === null || mailbox === undefined || tsc.khz === null)
    throw new Error(`internal: no mailbox page or TSC frequency for instance ${i}`);
  return {
    mailbox,
    mpTable: MP_TABLE_ADDR,
    console: successorConsole(ctx.m, inst),
    tscKhz: tsc.khz,
  };
}

export interface TscSource {
  khz: number | null;
  /** Where the value comes from: the instance's own command line, or discovery of OS1. */
  from: "cmdline" | "discovery" | null;
  /** The user's tsc_early_khz= when it is not a frequency in kHz. */
  invalid?: string;
}

/** The successor's TSC frequency: its own tsc_early_khz= first, else OS1's from discovery. */
export function successorTsc(m: Machine, inst: Instance): TscSource {
  if (inst.cmdline && inst.cmdline.includes("tsc_early_khz")) {
    const t = splitCmdline(inst.cmdline).find((x) => x.key === "tsc_early_khz");
    if (t) {
      const value = t.text.slice(t.text.indexOf("=") + 1).replace(/"/g, "");
      const khz = /^[0-9]{1,9}$/.test(value) ? Number(value) : 0;
      return khz > 0 ? { khz, from: "cmdline" } : { khz: null, from: null, invalid: t.text };
    }
  }
  const khz = m.platform?.tscKhz ?? null;
  return khz === null ? { khz: null, from: null } : { khz, from: "discovery" };
}

/** The first serial port the successor owns with a known tty name: its console. */
export function successorConsole(m: Machine, inst: Instance): { port: number; tty: string } | null {
  for (const id of inst.devices) {
    if (!id.startsWith("serial@")) continue;
    const port = Number.parseInt(id.slice("serial@".length), 16);
    const tty = serialTty(m, port);
    if (tty) return { port, tty };
  }
  return null;
}
