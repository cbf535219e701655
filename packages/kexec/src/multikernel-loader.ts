// Linux multikernel (Cong Wang's patch series) through its `kerf` tool. The tool's argv
// changed between revisions, so each revision is one adapter entry; status comes from
// <sysfsRoot>/instances/<id>/status (empty, ready, loading, active, failed).
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { hex, kernelSize } from "@tessera/core";
import type { SuccessorPlan } from "@tessera/core";
import { LoaderFailure } from "./errors";
import { refuseStandInKernel } from "./stand-in-kernel";
import { step } from "./event-stream";
import { runChecked, type ProcessResult } from "./spawn";
import type {
  Loader,
  LoaderInstanceState,
  LoaderStatus,
  MultikernelConfig,
  StepOptions,
} from "./types";

export interface KerfAdapter {
  create(plan: SuccessorPlan): string[];
  load(plan: SuccessorPlan, id: string): string[];
  exec(id: string): string[];
  kill(id: string, force: boolean): string[];
  unload(id: string): string[];
  delete(name: string): string[];
}

/** v1: the 2025 RFC series (kerf create NAME --cpus LIST --memory SIZE@ADDR, --id N). */
const V1: KerfAdapter = {
  create: (p) => {
    const main = p.memory[0];
    if (!main) throw new LoaderFailure("LOADER-EINVAL", `${p.name} has no memory range`);
    return [
      "create",
      p.name,
      "--cpus",
      p.cpus.join(","),
      "--memory",
      `${kernelSize(main.size)}@${hex(main.start)}`,
    ];
  },
  load: (p, id) => {
    if (!p.kernel)
      throw new LoaderFailure(
        "LOADER-EINVAL",
        `${p.name} has no kernel: set instances[].kernel in the profile`,
      );
    return [
      "load",
      "--kernel",
      p.kernel,
      ...(p.initrd ? ["--initrd", p.initrd] : []),
      "--cmdline",
      p.cmdline,
      "--id",
      id,
    ];
  },
  exec: (id) => ["exec", "--id", id],
  kill: (id, force) => ["kill", ...(force ? ["--force"] : []), "--id", id],
  unload: (id) => ["unload", "--id", id],
  delete: (name) => ["delete", name],
};

/** Stands for the instance id the kernel assigns at `kerf create`, in described commands. */
export const ID_PLACEHOLDER = "<id>";

export const KERF_ADAPTERS: Record<NonNullable<MultikernelConfig["version"]>, KerfAdapter> = {
  v1: V1,
};

const ERRNO: {
  code: "LOADER-EPERM" | "LOADER-EINVAL" | "LOADER-ENOENT" | "LOADER-EBUSY";
  re: RegExp;
  say: string;
}[] = [
  {
    code: "LOADER-EPERM",
    re: /\bEPERM\b|Operation not permitted/i,
    say: "the kernel refused (EPERM): the host has no multikernel pool (boot it with mkkernel_pool=SIZE[@ADDR]) or kerf is not run as root",
  },
  {
    code: "LOADER-EBUSY",
    re: /\bEBUSY\b|Device or resource busy/i,
    say: "a core, range or device is still lent to an instance or online in the host (EBUSY): take the cores offline in OS1 and stop the instance using them",
  },
  {
    code: "LOADER-ENOENT",
    re: /\bENOENT\b|No such file or directory/i,
    say: "the instance, kernel or initrd does not exist (ENOENT): check the paths in the profile and that the instance was created",
  },
  {
    code: "LOADER-EINVAL",
    re: /\bEINVAL\b|Invalid argument/i,
    say: "the kernel rejected an argument (EINVAL): a core list, memory range or command line it does not accept (see the log for kerf's words)",
  },
];

export function mapKerfFailure(what: string, r: ProcessResult): LoaderFailure | null {
  const text = [...r.stderr, ...r.stdout].join("\n");
  for (const e of ERRNO) if (e.re.test(text)) return new LoaderFailure(e.code, `${what}: ${e.say}`);
  return null;
}

const STATUS: Record<string, LoaderInstanceState> = {
  empty: "absent",
  ready: "loaded",
  loading: "starting",
  active: "running",
  failed: "failed",
};

export function createMultikernelLoader(config: Omit<MultikernelConfig, "kind"> = {}): Loader {
  const binary = config.binary ?? "kerf";
  const adapter = KERF_ADAPTERS[config.version ?? "v1"];
  if (!adapter) throw new Error(`unknown kerf adapter version ${String(config.version)}`);
  const root = config.sysfsRoot ?? "/sys/fs/multikernel";
  const env = config.env;
  let loading = Promise.resolve();

  async function findId(name: string): Promise<string | null> {
    const dir = join(root, "instances");
    let ids: string[];
    try {
      ids = await readdir(dir);
    } catch {
      return null;
    }
    if (ids.includes(name)) return name;
    for (const id of ids) {
      const n = await readFile(join(dir, id, "name"), "utf8").catch(() => null);
      if (n?.trim() === name) return id;
    }
    return null;
  }

  async function statusOf(name: string): Promise<LoaderStatus> {
    const id = await findId(name);
    if (id === null) return { name, state: "absent" };
    const raw = (
      await readFile(join(root, "instances", id, "status"), "utf8").catch(() => null)
    )?.trim();
    if (raw === undefined)
      return { name, state: "unknown", detail: `no status file for instance ${id}` };
    return {
      name,
      state: STATUS[raw] ?? "unknown",
      detail: `kernel status ${JSON.stringify(raw)} (instance ${id})`,
    };
  }

  const kerf = (ctx: Parameters<typeof runChecked>[0], args: string[], what: string) =>
    runChecked(ctx, [binary, ...args], what, { env }, (r) => mapKerfFailure(what, r));

  async function requireId(name: string): Promise<string> {
    const id = await findId(name);
    if (id === null)
      throw new LoaderFailure(
        "LOADER-ENOENT",
        `${name} is not a multikernel instance (nothing under ${join(root, "instances")})`,
      );
    return id;
  }

  return {
    kind: "multikernel",
    // kerf load and exec take the id the kernel gives the instance at create: `<id>` here.
    describeCommands: async (plan) => ({
      mode: "template",
      commands: plan.successors.map((s) => {
        const start = [[binary, ...adapter.exec(ID_PLACEHOLDER)]];
        try {
          const load = [
            [binary, ...adapter.create(s)],
            [binary, ...adapter.load(s, ID_PLACEHOLDER)],
          ];
          return { name: s.name, load, start, problem: null };
        } catch (err) {
          if (!(err instanceof LoaderFailure)) throw err;
          return { name: s.name, load: null, start, problem: err.message };
        }
      }),
    }),
    load(plan, opts?: StepOptions) {
      return step(async (ctx) => {
        // Serialize loads: the kernel accepts one kexec-style load at a time.
        const prev = loading;
        let done!: () => void;
        loading = new Promise((r) => (done = r));
        try {
          await prev;
          // Before `kerf create`: a stand-in must not leave a created instance behind.
          if (plan.kernel) await refuseStandInKernel(plan.kernel, "multikernel");
          ctx.phase("loading-image");
          let id = await findId(plan.name);
          if (id === null) {
            await kerf(ctx, adapter.create(plan), `kerf create ${plan.name}`);
            id = await findId(plan.name);
            if (id === null)
              throw new LoaderFailure(
                "LOADER-ENOENT",
                `kerf created ${plan.name} but it does not appear under ${join(root, "instances")}`,
              );
          }
          try {
            await kerf(ctx, adapter.load(plan, id), `kerf load ${plan.name}`);
          } catch (err) {
            ctx.log(
              `load failed; instance ${id} is left created but not loaded (status: ${(await statusOf(plan.name)).state})`,
            );
            throw err;
          }
          ctx.phase("purgatory");
        } finally {
          done();
        }
      }, opts);
    },
    start(name, opts) {
      return step(async (ctx) => {
        const id = await requireId(name);
        ctx.phase("ipi-sent");
        await kerf(ctx, adapter.exec(id), `kerf exec ${name}`);
        ctx.phase("kernel-booting");
      }, opts);
    },
    stop(name, opts) {
      return step(async (ctx) => {
        const id = await requireId(name);
        ctx.phase("stopping");
        await kerf(ctx, adapter.kill(id, false), `kerf kill ${name}`);
        ctx.phase("stopped");
      }, opts);
    },
    forceStop(name, opts) {
      return step(async (ctx) => {
        const id = await requireId(name);
        ctx.phase("stopping");
        await kerf(ctx, adapter.kill(id, true), `kerf kill --force ${name}`);
        ctx.phase("stopped");
      }, opts);
    },
    status: statusOf,
    async statusAll() {
      const ids = await readdir(join(root, "instances")).catch(() => [] as string[]);
      const out: LoaderStatus[] = [];
      for (const id of ids) {
        const n = (
          await readFile(join(root, "instances", id, "name"), "utf8").catch(() => id)
        ).trim();
        out.push(await statusOf(n));
      }
      return out;
    },
  };
}
