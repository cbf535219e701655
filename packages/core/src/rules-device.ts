// Rules about devices (SPEC.md: DEV-*). Devices on MSI/MSI-X need no coordination; devices
// on INTx lines share the one I/O APIC.
import { instanceLabel, report, type Ctx, type StockFinding } from "./rule-context";

function devicePath(i: number, k: number): string {
  return `instances[${i}].devices[${k}]`;
}

export function checkDevices(ctx: Ctx): void {
  for (let i = 0; i < ctx.p.instances.length; i++) checkDevicesOf(ctx, i);
}

/** What checkDevices reports about instance i's devices (it reports nothing else). */
export function checkDevicesOf(ctx: Ctx, i: number): void {
  const { idx } = ctx;
  const instances = ctx.p.instances;
  {
    const inst = instances[i]!;
    const label = instanceLabel(ctx, i);
    const nos = ctx.own.listed[i]!;
    // Plain loops and paths built only when reported: this runs on every drag event.
    for (let k = 0; k < inst.devices.length; k++) {
      const id = inst.devices[k]!;
      const n = nos[k]!;
      if (n === -1) {
        const near = idx.deviceById.has(`0000:${id}`) ? `0000:${id}` : null;
        report(
          ctx,
          "DEV-UNKNOWN",
          i,
          devicePath(i, k),
          `${label} lists device ${JSON.stringify(id)}, which this machine does not have.`,
          near
            ? `Did you mean ${near}? PCI ids carry the domain.`
            : "Remove it, or rescan the machine if the device was added since.",
          { devices: [id] },
        );
        continue;
      }
      const d = ctx.m.devices[n]!;
      const first = ctx.own.firstAt[n]!;
      if (first !== i * 65536 + k) {
        const owner = first >> 16;
        const twice = owner === i;
        report(
          ctx,
          "DEV-SHARED",
          i,
          devicePath(i, k),
          twice
            ? `${label} lists ${id} twice.`
            : `${id} belongs to ${instanceLabel(ctx, owner)} and ${label}: a device can be driven by one kernel only.`,
          twice ? "Remove the repeated id." : "Take it out of one of them.",
          { devices: [id] },
        );
        continue;
      }
      if (idx.msiUnknownAt[n] && d.bus === "pci") {
        report(
          ctx,
          "DEV-MSI-UNKNOWN",
          i,
          devicePath(i, k),
          `${id} (${label}): whether it has MSI or MSI-X is unknown, so whether it uses ${d.irq.line !== null ? `I/O APIC line ${d.irq.line}` : `its INT${d.irq.pin} line`} cannot be told.`,
          "Its config space was read without root (64 bytes, no capability list): run discovery as root to check it.",
          { devices: [id] },
        );
      }
      const intx = idx.intxAt[n]!;
      const line = Number.isNaN(intx) ? null : intx;
      if (line !== null) {
        const at = ctx.own.lineFirst.get(line)!;
        const prev = { i: at >> 16, id: instances[at >> 16]!.devices[at & 0xffff]! };
        if (prev.i !== i) {
          report(
            ctx,
            "DEV-IRQ-SHARED",
            i,
            devicePath(i, k),
            `${id} (${label}) and ${prev.id} (${instanceLabel(ctx, prev.i)}) both interrupt on I/O APIC line ${line}: one line cannot be routed to two kernels.`,
            `Give ${id} and ${prev.id} to the same instance.`,
            { devices: [id, prev.id] },
          );
        }
        if (i > 0) {
          report(
            ctx,
            "DEV-INTX",
            i,
            devicePath(i, k),
            d.bus === "pci"
              ? `${id} has no MSI or MSI-X: ${label} must program the shared I/O APIC for line ${line}.`
              : `${id} is a legacy device on I/O APIC line ${line}: ${label} must program the shared I/O APIC for it.`,
            "It works if no other instance uses that line; prefer a device with MSI/MSI-X for a successor.",
            { devices: [id] },
          );
        }
      }
      const g = idx.groupNo[n]!;
      if (g !== -1) {
        const at = ctx.own.groupFirst[g]!;
        const prev = { i: at >> 16, id: instances[at >> 16]!.devices[at & 0xffff]! };
        if (prev.i !== i) {
          const group = d.bus === "pci" ? d.iommuGroup : null;
          report(
            ctx,
            "DEV-IOMMU-SPLIT",
            i,
            devicePath(i, k),
            `${id} (${label}) and ${prev.id} (${instanceLabel(ctx, prev.i)}) are in IOMMU group ${group}: the platform cannot isolate their DMA from each other.`,
            `Keep IOMMU group ${group} in one instance.`,
            { devices: [id, prev.id] },
          );
        }
      }
    }
  }
}

/**
 * Whether instance i's last findings of checkDevicesOf still hold (the incremental check asks
 * when i's devices and every name are unchanged): they read, besides those, who first lists
 * each of its devices and, for the ones it lists first, who first has their I/O APIC line
 * and IOMMU group.
 */
export function devicesStillHold(now: Ctx, last: Ctx, i: number): boolean {
  const a = now.own;
  const b = last.own;
  if (a === b) return true;
  const { idx } = now;
  const nos = a.listed[i]!;
  for (let k = 0; k < nos.length; k++) {
    const n = nos[k]!;
    if (n === -1) continue;
    if (a.firstAt[n] !== b.firstAt[n]) return false;
    if (a.firstAt[n] !== i * 65536 + k) continue;
    const line = idx.intxAt[n]!;
    if (!Number.isNaN(line) && a.lineFirst.get(line) !== b.lineFirst.get(line)) return false;
    const g = idx.groupNo[n]!;
    if (g !== -1 && a.groupFirst[g] !== b.groupFirst[g]) return false;
  }
  return true;
}

/**
 * The devices as a whole: vendor:device pairs that stock options cannot keep apart, and
 * devices in no instance.
 */
export function checkDevicePairs(ctx: Ctx): void {
  checkStockAmbiguity(ctx);
  checkUnassigned(ctx);
}

function checkStockAmbiguity(ctx: Ctx): void {
  const stock = new Map<string, StockFinding>();
  for (const [pair, { owners, ids }] of ctx.own.pciOwners) {
    if (owners.size < 2) continue;
    const was = ctx.lastStock?.get(pair);
    // A kept entry (the same arrays) has the same devices, listed first by the same instances.
    if (was && was.set === owners && was.ids === ids) {
      ctx.out.push(was.d);
      stock.set(pair, was);
      continue;
    }
    // Distinct devices held by distinct instances; one device in two instances is DEV-SHARED.
    const who = firstOwners(ctx, ids);
    if (who.length < 2) continue;
    if (was && sameList(was.owners, who) && sameList(was.ids, ids)) {
      ctx.out.push(was.d);
      stock.set(pair, { ...was, set: owners, ids });
      continue;
    }
    const names = who.map((i) => instanceLabel(ctx, i));
    report(
      ctx,
      "DEV-STOCK-AMBIGUOUS",
      null,
      "instances",
      `${names.join(" and ")} each own a ${pair} device (${listed(ids)}): pci-stub.ids= names devices by vendor:device, so stock options cannot keep them apart; only the ownership option does.`,
      "Boot kernels that honour the ownership option, or bind the devices by address after boot (driver_override).",
      { devices: ids },
    );
    // ids is the ownership's own array, never changed once built (a new profile gets a new one).
    stock.set(pair, { set: owners, owners: who, ids, d: ctx.out[ctx.out.length - 1]! });
  }
  ctx.stock = stock;
}

/** The instances that list each of these devices first, in instance order, each once. */
function firstOwners(ctx: Ctx, ids: readonly string[]): number[] {
  const who = new Set<number>();
  for (const id of ids) who.add(ctx.own.firstAt[ctx.own.deviceNo.get(id)!]! >> 16);
  return [...who].sort((a, b) => a - b);
}

/** The same owners, in the same order, as when `was` was written. */
function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** At most 8 ids in a sentence; the subject carries them all. */
function listed(ids: string[]): string {
  return ids.length > 8
    ? `${ids.slice(0, 8).join(", ")} and ${ids.length - 8} more`
    : ids.join(", ");
}

function checkUnassigned(ctx: Ctx): void {
  const { assignable, assignableNo } = ctx.idx;
  const now = ctx.own.firstAt;
  // A drag moves devices between instances: the unlisted ones, and the finding, stay.
  const was = ctx.lastUnassigned;
  if (was) {
    const then = was.firstAt;
    let same = true;
    // Built from that ownership: only the devices the changed instances list (or did) can
    // have come or gone.
    const touched = ctx.own.since?.firstAt === then ? ctx.own.since.touched : null;
    if (touched)
      for (let k = 0; k < touched.length && same; k++)
        same = (now[touched[k]!] === -1) === (then[touched[k]!] === -1);
    else
      for (let k = 0; k < assignableNo.length && same; k++)
        same = (now[assignableNo[k]!] === -1) === (then[assignableNo[k]!] === -1);
    if (same) {
      if (was.d) ctx.out.push(was.d);
      ctx.unassigned = { firstAt: now, d: was.d };
      return;
    }
  }
  ctx.unassigned = { firstAt: now, d: null };
  const free: string[] = [];
  for (let k = 0; k < assignable.length; k++)
    if (now[assignableNo[k]!] === -1) free.push(assignable[k]!);
  if (free.length === 0) return;
  const shown = listed(free);
  report(
    ctx,
    "DEV-UNASSIGNED",
    null,
    "instances",
    `${free.length} device${free.length === 1 ? " is" : "s are"} in no instance: ${shown}.`,
    "No kernel will drive them. Drag them onto an instance if one needs them.",
    { devices: free },
  );
  ctx.unassigned.d = ctx.out[ctx.out.length - 1]!;
}
