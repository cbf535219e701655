// A faithful simulator of a partitioned machine: it keeps every core, range and instance,
// refuses what a real loader would refuse, walks the real phases with configurable delays,
// and injects faults on request. For demos, development and tests; never for a real start.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { hex, overlaps, rangeEnd } from "@tessera/core";
import type { Range, SuccessorPlan } from "@tessera/core";
import { mintCommands } from "./argv";
import { inspectKernelFile, type ReadKernelResult } from "./bzimage";
import { LoaderFailure } from "./errors";
import { isStandInKernel, STAND_IN_KERNEL_LABEL } from "./stand-in-kernel";
import { sleep, step, type StepContext } from "./event-stream";
import type {
  BootPhase,
  DryRunConfig,
  FaultSpec,
  Loader,
  LoaderError,
  LoaderInstanceState,
  LoaderStatus,
  StepOptions,
} from "./types";

export const DEFAULT_DRY_RUN_DELAYS: Record<BootPhase, number> = {
  "loading-image": 400,
  purgatory: 100,
  "ipi-sent": 50,
  "kernel-booting": 1500,
  "userspace-up": 500,
  running: 0,
};

/** States in which an instance holds its cores and ranges. */
const HOLDS: LoaderInstanceState[] = ["loaded", "starting", "running", "stopping", "unknown"];

interface SimInstance {
  name: string;
  plan: SuccessorPlan;
  state: LoaderInstanceState;
  phase?: string;
  detail?: string;
}

interface SimState {
  onlineCpus: number[];
  instances: Record<string, SimInstance>;
}

export interface DryRunLoader extends Loader {
  readonly kind: "dry-run";
  inject(fault: FaultSpec): void;
  clearFaults(): void;
  /** Changes which cores are online in OS1 (as `echo 0 > .../online` would). */
  setOnlineCpus(apicIds: number[]): void;
  /** Stops the simulated heartbeats and timers. */
  close(): void;
}

export function createDryRunLoader(config: Omit<DryRunConfig, "kind">): DryRunLoader {
  const delays = { ...DEFAULT_DRY_RUN_DELAYS, ...config.delays };
  const faults: FaultSpec[] = [...(config.faults ?? [])];
  const machine = config.machine;
  const present = new Set(machine.cpus.map((c) => c.apicId));
  const state: SimState = loadState(config.statePath) ?? {
    onlineCpus: config.onlineCpus ?? machine.cpus.filter((c) => c.online).map((c) => c.apicId),
    instances: {},
  };
  const timers = new Map<string, NodeJS.Timeout[]>();
  const inFlight = new Map<string, AbortController>();
  let busy: string | null = null;
  const guest = (name: string, type: "heartbeat" | "boot-complete" | "crashed") =>
    config.onGuestEvent?.({ name, type, at: Date.now() });

  // A machine that kept running while the agent was away: transient states settle.
  for (const inst of Object.values(state.instances)) {
    if (inst.state === "starting") inst.state = "running";
    if (inst.state === "stopping") inst.state = "stopped";
    if (inst.state === "running") beat(inst.name);
  }
  save();

  function save() {
    if (!config.statePath) return;
    mkdirSync(dirname(config.statePath), { recursive: true });
    const tmp = `${config.statePath}.tmp`;
    writeFileSync(
      tmp,
      JSON.stringify(state, (_k, v: unknown) => (typeof v === "bigint" ? { $big: hex(v) } : v), 2),
    );
    renameSync(tmp, config.statePath);
  }

  function set(name: string, patch: Partial<SimInstance>) {
    const inst = state.instances[name];
    if (!inst) return;
    Object.assign(inst, patch);
    if (patch.state && patch.state !== "failed" && patch.detail === undefined) delete inst.detail;
    save();
  }

  function clearTimers(name: string) {
    for (const t of timers.get(name) ?? []) clearTimeout(t);
    timers.delete(name);
  }

  function beat(name: string) {
    clearTimers(name);
    const t = setInterval(() => guest(name, "heartbeat"), config.heartbeatMs ?? 1000);
    t.unref();
    timers.set(name, [t]);
  }

  function faultAt(
    name: string,
    phase: BootPhase,
    kind?: FaultSpec["kind"],
  ): FaultSpec | undefined {
    return faults.find(
      (f) =>
        (f.instance === undefined || f.instance === name) &&
        f.at === phase &&
        (!kind || f.kind === kind),
    );
  }

  async function walk(ctx: StepContext, signal: AbortSignal, name: string, phases: BootPhase[]) {
    for (const phase of phases) {
      set(name, { phase });
      ctx.phase(phase);
      const plan = state.instances[name]?.plan;
      if (plan) for (const line of simulatedLog(plan, phase)) ctx.log(line);
      const f = faultAt(name, phase);
      if (f?.kind === "fail") {
        ctx.log(`[dry-run] injected fault: ${name} fails at ${phase}`);
        throw new LoaderFailure(
          "LOADER-FAULT",
          `injected fault: ${name} failed at ${phase}`,
          phase,
        );
      }
      if (f?.kind === "hang") {
        ctx.log(`injected fault: ${name} hangs at ${phase}`);
        await new Promise<never>((_, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason), { once: true }),
        );
      }
      if (delays[phase] > 0) await sleep(delays[phase], signal);
      if (signal.aborted) throw signal.reason;
      if (phase === "userspace-up") guest(name, "boot-complete");
    }
  }

  function holders(except: string): SimInstance[] {
    return Object.values(state.instances).filter(
      (i) => i.name !== except && HOLDS.includes(i.state),
    );
  }

  function check(plan: SuccessorPlan) {
    const missing = plan.cpus.filter((c) => !present.has(c));
    if (missing.length)
      throw new LoaderFailure(
        "LOADER-EINVAL",
        `LAPIC ID(s) ${missing.join(",")} do not exist on this machine`,
      );
    const online = plan.cpus.filter((c) => state.onlineCpus.includes(c));
    if (online.length) {
      throw new LoaderFailure(
        "LOADER-CPU-ONLINE",
        `core(s) with LAPIC ID ${online.join(",")} are online in OS1: take them offline (or boot OS1 with a smaller maxcpus=) first`,
      );
    }
    if (!plan.kernel)
      throw new LoaderFailure(
        "LOADER-EINVAL",
        `${plan.name} has no kernel: set instances[].kernel in the profile`,
      );
    const ranges: Range[] = [...plan.memory, plan.lowMemory];
    for (const r of ranges) {
      const inRam = machine.memoryMap.some(
        (m) => m.type === "usable" && m.start <= r.start && rangeEnd(r) <= rangeEnd(m),
      );
      if (!inRam)
        throw new LoaderFailure(
          "LOADER-EINVAL",
          `range ${hex(r.start)}-${hex(rangeEnd(r) - 1n)} is not inside usable RAM of this machine`,
        );
    }
    for (const other of holders(plan.name)) {
      const shared = plan.cpus.filter((c) => other.plan.cpus.includes(c));
      if (shared.length)
        throw new LoaderFailure(
          "LOADER-CPU-IN-USE",
          `core(s) ${shared.join(",")} belong to ${other.name}, which is ${other.state}`,
        );
      for (const r of ranges) {
        const hit = [...other.plan.memory, other.plan.lowMemory].find((o) => overlaps(o, r));
        if (hit) {
          throw new LoaderFailure(
            "LOADER-RANGE-IN-USE",
            `range ${hex(r.start)}-${hex(rangeEnd(r) - 1n)} overlaps ${hex(hit.start)}-${hex(rangeEnd(hit) - 1n)} of ${other.name}, which is ${other.state}`,
          );
        }
      }
    }
  }

  /** Takes the one kexec slot; the returned signal also fires when the instance is force-stopped. */
  function claim(name: string, ctx: StepContext): AbortSignal {
    if (busy)
      throw new LoaderFailure(
        "LOADER-BUSY",
        `${busy} is being loaded or started: one kexec operation at a time`,
      );
    busy = name;
    const ac = new AbortController();
    inFlight.set(name, ac);
    return AbortSignal.any([ctx.signal, ac.signal]);
  }
  function unclaim(name: string) {
    if (busy === name) busy = null;
    inFlight.delete(name);
  }

  const onFailure = (name: string) => (e: LoaderError) => {
    unclaim(name);
    // A force-stop already settled the instance; the step it cut short must not undo that.
    if (!state.instances[name] || state.instances[name].state === "stopped") return;
    set(name, { state: "failed", phase: e.phase, detail: `${e.code}: ${e.message}` });
  };

  const loader: DryRunLoader = {
    kind: "dry-run",
    // It boots nothing; it simulates the Mint method, so it shows the mint commands.
    describeCommands: async (plan) => ({ mode: "simulated", commands: mintCommands(plan) }),
    load(plan: SuccessorPlan, opts?: StepOptions) {
      let claimed = false;
      let created = false;
      return step(
        async (ctx) => {
          const signal = claim(plan.name, ctx);
          claimed = true;
          try {
            const cur = state.instances[plan.name];
            if (cur && HOLDS.includes(cur.state))
              throw new LoaderFailure(
                "LOADER-BAD-STATE",
                `${plan.name} is already ${cur.state}: stop it before loading it again`,
              );
            check(plan);
            state.instances[plan.name] = { name: plan.name, plan, state: "unknown" };
            created = true;
            // The demo's stand-in is accepted (the simulator boots nothing either way), and
            // the log says what it is, so nobody takes the run for a kernel's boot.
            if (plan.kernel && isStandInKernelResult(await inspectKernelFile(plan.kernel)))
              ctx.log(
                `[dry-run] ${plan.kernel} is Tessera's stand-in kernel (${STAND_IN_KERNEL_LABEL}): the simulator accepts it; no kernel boots, and a real loader refuses it`,
              );
            await walk(ctx, signal, plan.name, ["loading-image", "purgatory"]);
            set(plan.name, { state: "loaded" });
          } finally {
            unclaim(plan.name);
          }
        },
        opts,
        {
          onFailure: (e) => {
            if (claimed) unclaim(plan.name);
            if (created) onFailure(plan.name)(e);
          },
        },
      );
    },
    start(name, opts) {
      let claimed = false;
      return step(
        async (ctx) => {
          const inst = state.instances[name];
          if (!inst || inst.state !== "loaded")
            throw new LoaderFailure(
              "LOADER-NOT-LOADED",
              `${name} has no loaded image${inst ? ` (it is ${inst.state})` : ""}: load it first`,
            );
          const online = inst.plan.cpus.filter((c) => state.onlineCpus.includes(c));
          if (online.length)
            throw new LoaderFailure(
              "LOADER-CPU-ONLINE",
              `core(s) ${online.join(",")} came online in OS1 since the load`,
            );
          const signal = claim(name, ctx);
          claimed = true;
          try {
            set(name, { state: "starting" });
            await walk(ctx, signal, name, [
              "ipi-sent",
              "kernel-booting",
              "userspace-up",
              "running",
            ]);
            set(name, { state: "running" });
            beat(name);
            if (
              faults.some(
                (f) =>
                  f.kind === "crash-while-running" &&
                  (f.instance === undefined || f.instance === name),
              )
            ) {
              const t = setTimeout(() => {
                clearTimers(name);
                set(name, {
                  state: "failed",
                  phase: "running",
                  detail: "LOADER-FAULT: injected fault: the instance crashed while running",
                });
                guest(name, "crashed");
              }, config.crashAfterMs ?? 200);
              t.unref();
              timers.get(name)?.push(t);
            }
          } finally {
            unclaim(name);
          }
        },
        opts,
        { onFailure: (e) => (claimed ? onFailure(name)(e) : undefined) },
      );
    },
    stop(name, opts) {
      return step(async (ctx) => {
        const inst = state.instances[name];
        if (!inst || inst.state === "absent")
          throw new LoaderFailure("LOADER-ENOENT", `${name} is not known to this machine`);
        if (inst.state === "stopped")
          throw new LoaderFailure("LOADER-BAD-STATE", `${name} is already stopped`);
        if (inst.state === "starting" || inFlight.has(name))
          throw new LoaderFailure(
            "LOADER-BUSY",
            `${name} is still starting: wait, or force-stop it`,
          );
        set(name, { state: "stopping" });
        ctx.phase("stopping");
        await sleep(Math.min(delays["userspace-up"], 500), ctx.signal);
        clearTimers(name);
        set(name, { state: "stopped", phase: "stopped" });
        ctx.phase("stopped");
      }, opts);
    },
    forceStop(name, opts) {
      return step(async (ctx) => {
        const inst = state.instances[name];
        if (!inst) throw new LoaderFailure("LOADER-ENOENT", `${name} is not known to this machine`);
        inFlight
          .get(name)
          ?.abort(
            new LoaderFailure("LOADER-CANCELLED", `${name} was force-stopped during this step`),
          );
        ctx.phase("stopping");
        clearTimers(name);
        unclaim(name);
        set(name, { state: "stopped", phase: "stopped" });
        ctx.phase("stopped");
      }, opts);
    },
    async status(name) {
      return statusOf(name);
    },
    async statusAll() {
      return Object.keys(state.instances).map(statusOf);
    },
    inject(fault) {
      faults.push(fault);
    },
    clearFaults() {
      faults.length = 0;
    },
    setOnlineCpus(ids) {
      state.onlineCpus = [...ids];
      save();
    },
    close() {
      for (const name of [...timers.keys()]) clearTimers(name);
    },
  };

  function statusOf(name: string): LoaderStatus {
    const i = state.instances[name];
    if (!i) return { name, state: "absent" };
    return {
      name,
      state: i.state,
      ...(i.phase ? { phase: i.phase } : {}),
      ...(i.detail ? { detail: i.detail } : {}),
    };
  }

  return loader;
}

function isStandInKernelResult(r: ReadKernelResult): boolean {
  return r.ok && isStandInKernel(r.inspection.header);
}

function loadState(path: string | undefined): SimState | null {
  if (!path) return null;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  const parsed = JSON.parse(text, (_k, v: unknown) =>
    v && typeof v === "object" && "$big" in v && typeof (v as { $big: unknown }).$big === "string"
      ? BigInt((v as { $big: string }).$big)
      : v,
  ) as SimState;
  if (!Array.isArray(parsed.onlineCpus) || typeof parsed.instances !== "object") {
    throw new Error(`${path} is not a dry-run state file`);
  }
  return parsed;
}

/**
 * What a real loader and console would print at each phase, marked [dry-run] so nobody
 * mistakes the simulator's log for a real boot.
 */
export function simulatedLog(plan: SuccessorPlan, phase: BootPhase): string[] {
  const range = `${hex(plan.memMin)}-${hex(plan.memMax)}`;
  switch (phase) {
    case "loading-image":
      return [
        `[dry-run] loading ${plan.kernel ?? "(no kernel set)"} into ${range} (--mem-min/--mem-max)`,
        ...(plan.initrd ? [`[dry-run] initrd ${plan.initrd}`] : []),
        `[dry-run] command line: ${plan.cmdline}`,
      ];
    case "purgatory":
      return [
        `[dry-run] purgatory and start page at ${hex(plan.lowMemory.start)} (SIPI vector ${hex(plan.sipiVector)}); e820 with ${plan.e820.length} entries`,
      ];
    case "ipi-sent":
      return [`[dry-run] INIT/SIPI sent to LAPIC ${plan.bsp}`];
    case "kernel-booting":
      return [
        `[dry-run] ${plan.name}: kernel booting on ${plan.cpuCount} core(s), LAPIC ${plan.cpus.join(",")}`,
      ];
    case "userspace-up":
      return [`[dry-run] ${plan.name}: init started, guest agent reporting`];
    case "running":
      return [`[dry-run] ${plan.name}: running`];
  }
}
