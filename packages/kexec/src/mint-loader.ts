// The Mint-style kexec (the seed): load a successor into its own range, then wake its BSP
// with INIT/SIPI while OS1 keeps running. Kexec holds one image at a time, so loads and
// starts are serialized and a second image is refused while one waits to be started.
import { readFile } from "node:fs/promises";
import type { SuccessorPlan } from "@tessera/core";
import {
  mintCommands,
  mintConfig,
  mintLoadArgv,
  mintStartArgv,
  mintStopArgv,
  mintUnloadArgv,
  PlanArgvError,
} from "./argv";
import { LoaderFailure } from "./errors";
import { refuseStandInKernel } from "./stand-in-kernel";
import { Mutex, step, type StepContext } from "./event-stream";
import { runChecked } from "./spawn";
import type { Loader, LoaderInstanceState, LoaderStatus, MintConfig, StepOptions } from "./types";

interface Entry {
  plan: SuccessorPlan;
  state: LoaderInstanceState;
  phase?: string;
  detail?: string;
}

export function createMintLoader(
  config: MintConfig & { env?: Record<string, string> } = {},
): Loader {
  const c = mintConfig(config);
  const env = config.env;
  const lock = new Mutex();
  const entries = new Map<string, Entry>();
  /** The instance whose image kexec holds right now (loaded, not started). */
  let pending: string | null = null;

  const markFailed =
    (name: string) => (error: { code: string; message: string; phase?: string }) => {
      const e = entries.get(name);
      if (!e) return;
      // A timeout or cancel in the middle of a load leaves kexec's state unknown: say so.
      e.state =
        error.code === "LOADER-TIMEOUT" || error.code === "LOADER-CANCELLED" ? "unknown" : "failed";
      e.phase = error.phase;
      e.detail = `${error.code}: ${error.message}`;
      if (pending === name) pending = null;
    };

  async function unloadQuietly(ctx: StepContext) {
    try {
      await runChecked(ctx, mintUnloadArgv(c), "the unload step", { env });
    } catch {
      ctx.log("could not unload the half-loaded image; kexec may still hold it");
    }
  }

  return {
    kind: "mint",
    describeCommands: async (plan) => ({ mode: "run", commands: mintCommands(plan, c) }),
    load(plan: SuccessorPlan, opts?: StepOptions) {
      return step(
        async (ctx) => {
          const release = await lock.lock(ctx.signal);
          try {
            if (pending && pending !== plan.name) {
              throw new LoaderFailure(
                "LOADER-BUSY",
                `kexec holds the image of ${pending}, which is not started yet: start or stop it first`,
              );
            }
            const current = entries.get(plan.name);
            if (current && (current.state === "running" || current.state === "starting")) {
              throw new LoaderFailure(
                "LOADER-BAD-STATE",
                `${plan.name} is ${current.state}: stop it before loading it again`,
              );
            }
            let argv: string[];
            try {
              argv = mintLoadArgv(plan, c);
            } catch (err) {
              if (err instanceof PlanArgvError)
                throw new LoaderFailure("LOADER-EINVAL", err.message);
              throw err;
            }
            if (plan.kernel) await refuseStandInKernel(plan.kernel, "mint");
            entries.set(plan.name, { plan, state: "unknown", phase: "loading-image" });
            ctx.phase("loading-image");
            try {
              await runChecked(ctx, argv, "the load step", { env });
            } catch (err) {
              if (!ctx.signal.aborted) await unloadQuietly(ctx);
              throw err;
            }
            ctx.phase("purgatory");
            entries.set(plan.name, { plan, state: "loaded", phase: "purgatory" });
            pending = plan.name;
          } finally {
            release();
          }
        },
        opts,
        { onFailure: markFailed(plan.name) },
      );
    },
    start(name: string, opts?: StepOptions) {
      return step(
        async (ctx) => {
          const release = await lock.lock(ctx.signal);
          try {
            const e = entries.get(name);
            if (!e || e.state !== "loaded" || pending !== name) {
              throw new LoaderFailure(
                "LOADER-NOT-LOADED",
                `${name} has no loaded image: load it first`,
              );
            }
            e.state = "starting";
            ctx.phase("ipi-sent");
            await runChecked(ctx, mintStartArgv(e.plan, c), "the start step", { env });
            pending = null;
            // After the IPI the successor is on its own; its guest agent reports the rest.
            e.state = "running";
            e.phase = "kernel-booting";
            ctx.phase("kernel-booting");
          } finally {
            release();
          }
        },
        opts,
        { onFailure: markFailed(name) },
      );
    },
    stop(name, opts) {
      return stopStep(name, false, opts);
    },
    forceStop(name, opts) {
      return stopStep(name, true, opts);
    },
    status: statusOf,
    async statusAll() {
      return Promise.all([...entries.keys()].map(statusOf));
    },
  };

  async function statusOf(name: string): Promise<LoaderStatus> {
    const e = entries.get(name);
    if (!e) return { name, state: "absent" };
    const out: LoaderStatus = {
      name,
      state: e.state,
      ...(e.phase ? { phase: e.phase } : {}),
      ...(e.detail ? { detail: e.detail } : {}),
    };
    if (e.state === "loaded" && (await kexecLoaded(c.kexecLoadedPath)) === false) {
      // Someone unloaded it behind Tessera's back (kexec -u, a reboot of kexec-tools' service).
      return {
        ...out,
        state: "unknown",
        detail: `the kernel reports no loaded kexec image (${c.kexecLoadedPath})`,
      };
    }
    return out;
  }

  function stopStep(name: string, force: boolean, opts?: StepOptions) {
    return step(
      async (ctx) => {
        const e = entries.get(name);
        if (!e) throw new LoaderFailure("LOADER-ENOENT", `${name} is not known to this loader`);
        if (pending === name) {
          // Loaded but not started: unloading is the whole stop.
          ctx.phase("stopping");
          await runChecked(ctx, mintUnloadArgv(c), "the unload step", { env });
          pending = null;
          e.state = "stopped";
          ctx.phase("stopped");
          return;
        }
        const argv = mintStopArgv(e.plan.bsp, force, c);
        if (!argv) {
          throw new LoaderFailure(
            "LOADER-UNSUPPORTED",
            `this mint build has no ${force ? "force-stop" : "stop"} step: ${name} must shut itself down (tessera guest), or configure ${force ? "forceStopArgs" : "stopArgs"}`,
          );
        }
        e.state = "stopping";
        ctx.phase("stopping");
        await runChecked(ctx, argv, force ? "the force-stop step" : "the stop step", { env });
        e.state = "stopped";
        ctx.phase("stopped");
      },
      opts,
      { onFailure: markFailed(name) },
    );
  }
}

/** Whether the running kernel holds a kexec image (1) or not (0); null when unknown. */
export async function kexecLoaded(path = "/sys/kernel/kexec_loaded"): Promise<boolean | null> {
  try {
    return (await readFile(path, "utf8")).trim() === "1";
  } catch {
    return null;
  }
}
