// The direct loader: starts a stock kernel on cores OS1 keeps offline, from OS1's userspace.
// load checks everything and refuses in words before it writes a byte, then writes the
// successor into its reserved range through /dev/mem; start writes the shared MP table once
// no earlier successor is still in early boot, then sends INIT-SIPI-SIPI; a poller reads
// every mailbox and reports the guest's heartbeats; stop asks the guest to halt, then parks
// its cores with INIT; force-stop parks them at once.
import { readFile } from "node:fs/promises";
import { hex, overlaps } from "@tessera/core";
import type { Range, SuccessorPlan } from "@tessera/core";
import { LoaderFailure } from "../errors";
import { Mutex, sleep, step, type StepContext } from "../event-stream";
import type {
  DirectConfig,
  GuestEvent,
  Loader,
  LoaderInstanceState,
  LoaderStatus,
  StepOptions,
} from "../types";
import { buildApicHelper, detectApicMode, helperSender, msrSender, type IpiSender } from "./apic";
import { loadDirectState, saveDirectState, type DirectInstance } from "./direct-state";
import {
  checkCoresOffline,
  checkOs1Options,
  checkReserved,
  onlineApicIds,
  readCmdline,
  readCpuinfo,
  type HostRoots,
  os1OnlineCpus,
} from "./host-checks";
import { readDirectImages } from "./image-files";
import { describeDirectCommands } from "./describe-commands";
import { parkSequence, startSequence } from "./ipi";
import { GUEST_STATE, MAILBOX, MAILBOX_FIELDS_BYTES, mailboxChange, readMailbox } from "./mailbox";
import { buildMpTable } from "./mp-table";
import { openPhysMem, type PhysMem } from "./phys-mem";
import { isDirectPlan, type DirectPlan } from "./plan-shape";

/** States in which an instance holds its cores, ranges and mailbox. */
const HOLDS: LoaderInstanceState[] = ["loaded", "starting", "running", "stopping", "unknown"];
/** States in which its cores may run: the poller reads their mailboxes. */
const LIVE: LoaderInstanceState[] = ["starting", "running", "stopping"];
const MiB = 1024n * 1024n;

export interface DirectLoader extends Loader {
  readonly kind: "direct";
  /** Stops the mailbox poller and closes /dev/mem (the successors keep running). */
  close(): Promise<void>;
}

export function createDirectLoader(config: Omit<DirectConfig, "kind"> = {}): DirectLoader {
  const roots: HostRoots = {
    procRoot: config.procRoot ?? "/proc",
    sysRoot: config.sysRoot ?? "/sys",
  };
  const devMem = config.devMem ?? "/dev/mem";
  const msrDir = config.msrDir ?? "/dev/cpu";
  const pollMs = config.pollMs ?? 250;
  const state = loadDirectState(config.statePath);
  const mutex = new Mutex();
  const inFlight = new Map<string, AbortController>();
  let mem: PhysMem | null = null;
  let sender: IpiSender | null = null;
  let poller: NodeJS.Timeout | null = null;
  let polling = false;

  const margin =
    config.marginMiB === undefined ? undefined : BigInt(Math.round(config.marginMiB)) * MiB;
  const save = () => saveDirectState(config.statePath, state);
  const guest = (name: string, type: GuestEvent["type"], reason?: string) =>
    config.onGuestEvent?.({ name, type, at: Date.now(), ...(reason ? { reason } : {}) });
  function set(name: string, patch: Partial<DirectInstance>) {
    const inst = state.instances[name];
    if (!inst) return;
    Object.assign(inst, patch);
    if (patch.state && patch.state !== "failed" && patch.detail === undefined) delete inst.detail;
    save();
  }

  const quiet = new AbortController().signal;
  let helperPath: Promise<string> | null = null;
  /** The native helper: given in the options, or built from native/tessera-apic.c once. */
  function ensureHelper(signal: AbortSignal, log: (l: string) => void): Promise<string> {
    if (config.apicHelper) return Promise.resolve(config.apicHelper);
    helperPath ??= buildApicHelper({
      cacheDir: config.helperCacheDir,
      cc: config.cc,
      signal,
      log,
    }).then(
      (b) => {
        log(`APIC helper ${b.path} (${b.how})`);
        return b.path;
      },
      (err: unknown) => {
        helperPath = null;
        throw err;
      },
    );
    return helperPath;
  }

  async function physMem(
    signal: AbortSignal = quiet,
    log: (l: string) => void = () => {},
  ): Promise<PhysMem> {
    if (mem) return mem;
    const helper = await ensureHelper(signal, log);
    mem ??= await openPhysMem(devMem, helper);
    return mem;
  }

  /** Picks xAPIC (the helper) or x2APIC (the msr device). */
  async function ipiSender(signal: AbortSignal, log: (l: string) => void): Promise<IpiSender> {
    if (sender) return sender;
    let mode = config.apicMode ?? "auto";
    if (mode === "auto") {
      const found = await detectApicMode({
        msrDir,
        cmdline: await readCmdline(roots),
        cpuinfo: await readCpuinfo(roots),
      });
      log(`local APIC mode: ${found.mode} (${found.why})`);
      mode = found.mode;
    }
    if (mode === "x2apic") return (sender = msrSender(msrDir));
    return (sender = helperSender(await ensureHelper(signal, log), devMem));
  }

  function holders(except: string): DirectInstance[] {
    return Object.values(state.instances).filter(
      (i) => i.name !== except && HOLDS.includes(i.state),
    );
  }

  function checkConflicts(plan: DirectPlan) {
    const mine: Range[] = [
      ...plan.memory,
      plan.lowMemory,
      { start: plan.direct.mailbox, size: 0x1000n },
    ];
    for (const other of holders(plan.name)) {
      const shared = plan.cpus.filter((c) => other.plan.cpus.includes(c));
      if (shared.length)
        throw new LoaderFailure(
          "LOADER-CPU-IN-USE",
          `core(s) ${shared.join(",")} belong to ${other.name}, which is ${other.state}`,
        );
      const theirs: Range[] = [
        ...other.plan.memory,
        other.plan.lowMemory,
        { start: other.plan.direct.mailbox, size: 0x1000n },
      ];
      for (const r of mine) {
        const hit = theirs.find((o) => overlaps(o, r));
        if (hit)
          throw new LoaderFailure(
            "LOADER-RANGE-IN-USE",
            `${hex(r.start)}-${hex(r.start + r.size - 1n)} overlaps ${hex(hit.start)}-${hex(hit.start + hit.size - 1n)} of ${other.name}, which is ${other.state}`,
          );
      }
    }
  }

  async function doLoad(ctx: StepContext, input: SuccessorPlan) {
    if (!isDirectPlan(input))
      throw new LoaderFailure(
        "LOADER-PLAN-INCOMPLETE",
        `${input.name}'s plan has no direct part (mailbox, MP table address): make the plan for the direct loader`,
      );
    const plan = input;
    if (!plan.kernel)
      throw new LoaderFailure(
        "LOADER-PLAN-INCOMPLETE",
        `${plan.name} has no kernel: set instances[].kernel in the profile`,
      );
    const cur = state.instances[plan.name];
    if (cur && HOLDS.includes(cur.state))
      throw new LoaderFailure(
        "LOADER-BAD-STATE",
        `${plan.name} is already ${cur.state}: stop it before loading it again`,
      );
    checkConflicts(plan);
    ctx.phase("loading-image");
    // Every refusal comes before the first write.
    checkOs1Options(await readCmdline(roots));
    checkReserved(
      plan,
      await readFile(`${roots.procRoot}/iomem`, "utf8").catch(() => {
        throw new LoaderFailure(
          "LOADER-ENOENT",
          `cannot read ${roots.procRoot}/iomem: the loader checks OS1's reservations there`,
        );
      }),
    );
    checkCoresOffline(plan, await onlineApicIds(roots));
    const images = await readDirectImages(plan, margin);
    const pm = await physMem(ctx.signal, ctx.log);
    await ipiSender(ctx.signal, ctx.log);

    state.instances[plan.name] = {
      name: plan.name,
      plan,
      state: "unknown",
      phase: "loading-image",
      detail: "partly written",
      mpConfigSpare: images.layout.mpConfigSpare,
    };
    save();
    for (const w of images.writes) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (w.file) await pm.writeFile(w.address, w.file.path, w.file.skip, w.what, ctx.signal);
      else await pm.write(w.address, w.bytes, w.what, ctx.signal);
      ctx.log(`wrote the ${w.what} at ${hex(w.address)} (${w.bytes.length} bytes)`);
    }
    set(plan.name, { state: "loaded", phase: "loading-image", guestState: 0, heartbeat: 0 });
  }

  /** Waits until every other started successor has masked its LVT0 (bounded). */
  async function waitEarlyBoot(ctx: StepContext, name: string) {
    const limit = config.earlyBootTimeoutMs ?? 90_000;
    const end = Date.now() + limit;
    for (;;) {
      const pm = await physMem(ctx.signal, ctx.log);
      const waiting: string[] = [];
      for (const o of Object.values(state.instances)) {
        if (o.name === name || (o.state !== "starting" && o.state !== "running")) continue;
        const mb = readMailbox(await pm.read(o.plan.direct.mailbox, MAILBOX_FIELDS_BYTES));
        if (mb.lvt0Masked !== 1) waiting.push(o.name);
      }
      if (waiting.length === 0) return;
      if (Date.now() >= end)
        throw new LoaderFailure(
          "LOADER-EARLY-BOOT-WAIT",
          `${waiting.join(", ")} ha${waiting.length > 1 ? "ve" : "s"} not reported LVT0 masked in ${limit} ms, so ${name} cannot be started yet (its MP table would take the shared place while they may still read theirs, and their open LVT0 would take its timer interrupts): check that their guest script runs, or force-stop them`,
        );
      ctx.log(`waiting for ${waiting.join(", ")} to pass early boot`);
      await sleep(Math.min(pollMs, Math.max(1, end - Date.now())), ctx.signal);
    }
  }

  async function doStart(ctx: StepContext, name: string) {
    const inst = state.instances[name];
    if (!inst || inst.state === "absent" || inst.state === "stopped")
      throw new LoaderFailure(
        "LOADER-NOT-LOADED",
        `${name} has no loaded image: load it first (a restart loads again)`,
      );
    if (inst.state !== "loaded")
      throw new LoaderFailure("LOADER-BAD-STATE", `${name} is ${inst.state}, not loaded`);
    const plan = inst.plan;
    await waitEarlyBoot(ctx, name);
    const pm = await physMem(ctx.signal, ctx.log);
    const mp = buildMpTable(plan.direct.mpTable, plan.cpus, plan.bsp, inst.mpConfigSpare);
    await pm.write(mp.configAt, mp.config, "MP config table", ctx.signal);
    await pm.write(mp.pointerAt, mp.pointer, "MP floating pointer", ctx.signal);
    ctx.log(
      `wrote the MP table at ${hex(mp.pointerAt)} (config at ${hex(mp.configAt)}): cores ${plan.cpus.join(",")}, BSP ${plan.bsp}`,
    );
    const ipi = await ipiSender(ctx.signal, ctx.log);
    await ipi.maskLint0(await os1OnlineCpus(roots), ctx.signal, ctx.log);
    set(name, { state: "starting", phase: "ipi-sent", guestState: 0, heartbeat: 0 });
    try {
      await ipi.send(startSequence(plan.bsp, plan.sipiVector), ctx.signal, ctx.log);
    } catch (err) {
      // Part of the sequence may have reached the core: nobody can say whether it runs.
      set(name, { state: "unknown", detail: "the start IPIs failed part way" });
      throw err;
    }
    ctx.phase("ipi-sent");
    set(name, { phase: "kernel-booting" });
    ctx.phase("kernel-booting");
    ensurePolling();
  }

  /** A guest that reported it cannot run: park its cores, then say why. */
  async function parkFailed(inst: DirectInstance, reason: string) {
    const ipi = await ipiSender(quiet, () => {});
    await ipi.send(parkSequence(inst.plan.cpus), quiet, () => {});
    set(inst.name, { state: "failed", detail: reason });
    guest(inst.name, "crashed", reason);
  }

  async function park(ctx: StepContext, inst: DirectInstance) {
    const ipi = await ipiSender(ctx.signal, ctx.log);
    await ipi.send(parkSequence(inst.plan.cpus), ctx.signal, ctx.log);
    ctx.log(`INIT sent to core(s) ${inst.plan.cpus.join(",")}: parked`);
  }

  async function doStop(ctx: StepContext, name: string, signal: AbortSignal) {
    const inst = state.instances[name];
    if (!inst || inst.state === "absent")
      throw new LoaderFailure("LOADER-NOT-LOADED", `${name} is not loaded`);
    if (inst.state === "loaded") {
      set(name, { state: "stopped", phase: "stopped" });
      ctx.phase("stopped");
      return;
    }
    if (!LIVE.includes(inst.state))
      throw new LoaderFailure("LOADER-BAD-STATE", `${name} is ${inst.state}: nothing to stop`);
    const before = inst.state;
    ctx.phase("stopping");
    set(name, { state: "stopping", phase: "stopping" });
    const pm = await physMem(ctx.signal, ctx.log);
    const one = Buffer.alloc(4);
    one.writeUInt32LE(1);
    await pm.write(
      inst.plan.direct.mailbox + BigInt(MAILBOX.stopRequest),
      one,
      "stop request",
      signal,
    );
    ctx.log(`stop requested in ${name}'s mailbox at ${hex(inst.plan.direct.mailbox)}`);
    const limit = config.stopTimeoutMs ?? 30_000;
    const end = Date.now() + limit;
    for (;;) {
      const mb = readMailbox(await pm.read(inst.plan.direct.mailbox, MAILBOX_FIELDS_BYTES));
      if (mb.state === GUEST_STATE.stopAcknowledged) break;
      if (Date.now() >= end) {
        set(name, { state: before, phase: inst.phase, detail: "stop requested, not acknowledged" });
        throw new LoaderFailure(
          "LOADER-STOP-UNACKED",
          `${name} did not acknowledge the stop request within ${limit} ms (its guest script may not run); its cores still run: force-stop parks them`,
        );
      }
      await sleep(Math.min(pollMs, Math.max(1, end - Date.now())), signal);
    }
    ctx.log(`${name} acknowledged the stop`);
    await park(ctx, inst);
    set(name, { state: "stopped", phase: "stopped" });
    ctx.phase("stopped");
  }

  /** One pass over every live mailbox: phases and guest events from what the guest wrote. */
  async function pollOnce() {
    if (polling) return;
    polling = true;
    try {
      const live = Object.values(state.instances).filter((i) => LIVE.includes(i.state));
      if (live.length === 0) return stopPolling();
      const pm = await physMem();
      for (const inst of live) {
        const mb = readMailbox(await pm.read(inst.plan.direct.mailbox, MAILBOX_FIELDS_BYTES));
        const { patch, events, failed } = mailboxChange(inst, mb);
        for (const e of events) guest(inst.name, e);
        if (Object.keys(patch).length) set(inst.name, patch);
        if (failed) await parkFailed(inst, failed);
      }
    } catch (err) {
      // The next poll tries again; the reason stays visible in the status.
      for (const i of Object.values(state.instances))
        if (LIVE.includes(i.state))
          i.detail = `mailbox poll failed: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      polling = false;
    }
  }

  function ensurePolling() {
    if (poller) return;
    poller = setInterval(() => void pollOnce(), pollMs);
    poller.unref();
  }
  function stopPolling() {
    if (poller) clearInterval(poller);
    poller = null;
  }

  // Successors that were started before an agent restart: their mailboxes tell how they are.
  if (Object.values(state.instances).some((i) => LIVE.includes(i.state))) ensurePolling();

  /** A step that may be cut short by force-stop (its own controller). */
  function cancellable(name: string, ctx: StepContext): AbortSignal {
    const ac = new AbortController();
    inFlight.get(name)?.abort(new LoaderFailure("LOADER-CANCELLED", "superseded"));
    inFlight.set(name, ac);
    return AbortSignal.any([ctx.signal, ac.signal]);
  }

  const failed = (name: string) => (e: { code: string; message: string; phase?: string }) => {
    const inst = state.instances[name];
    if (!inst) return;
    // Only a partly written load is unknown; a refused step leaves the instance as it was.
    if (inst.state === "unknown" && e.code !== "LOADER-STOP-UNACKED")
      set(name, { state: "unknown", phase: e.phase, detail: `${e.code}: ${e.message}` });
  };

  return {
    kind: "direct",
    // What load and start would write and send; the helper's path is a placeholder until
    // given in the options (it is built on first use otherwise).
    describeCommands: (plan) =>
      describeDirectCommands(plan, { helper: config.apicHelper ?? null, devMem, margin }),
    load(plan, opts?: StepOptions) {
      return step(
        async (ctx) => {
          const release = await mutex.lock(ctx.signal);
          try {
            await doLoad(ctx, plan);
          } finally {
            release();
          }
        },
        opts,
        { onFailure: failed(plan.name) },
      );
    },
    start(name, opts?: StepOptions) {
      return step(
        async (ctx) => {
          const release = await mutex.lock(ctx.signal);
          try {
            await doStart(ctx, name);
          } finally {
            release();
          }
        },
        opts,
        { onFailure: failed(name) },
      );
    },
    stop(name, opts?: StepOptions) {
      return step(async (ctx) => {
        const signal = cancellable(name, ctx);
        try {
          await doStop(ctx, name, signal);
        } finally {
          inFlight.delete(name);
        }
      }, opts);
    },
    forceStop(name, opts?: StepOptions) {
      return step(async (ctx) => {
        const inst = state.instances[name];
        if (!inst || inst.state === "absent")
          throw new LoaderFailure("LOADER-NOT-LOADED", `${name} is not loaded`);
        inFlight
          .get(name)
          ?.abort(new LoaderFailure("LOADER-CANCELLED", `${name} was force-stopped`));
        ctx.phase("stopping");
        await park(ctx, inst);
        set(name, { state: "stopped", phase: "stopped" });
        ctx.phase("stopped");
      }, opts);
    },
    async status(name): Promise<LoaderStatus> {
      const i = state.instances[name];
      if (!i) return { name, state: "absent" };
      return {
        name,
        state: i.state,
        ...(i.phase ? { phase: i.phase } : {}),
        ...(i.detail ? { detail: i.detail } : {}),
      };
    },
    async statusAll() {
      return Promise.all(Object.keys(state.instances).map((n) => this.status(n)));
    },
    async close() {
      stopPolling();
      const m = mem;
      mem = null;
      await m?.close();
    },
  };
}
