// `tessera serve --demo` (what `npm start` runs): a demo that can start something on any
// host, without a kernel to spare. With the dry-run loader only, it writes Tessera's
// stand-in kernel (a labelled boot header, not a kernel: packages/kexec standInKernel) into
// <data-dir>/kernels and, on a fresh data dir, seeds and activates a two-instance profile of
// this machine whose os2 boots that stand-in. Nothing is ever booted: the dry-run loader
// simulates, and every real loader refuses the stand-in (LOADER-STAND-IN).
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  alignDown,
  GiB,
  hostLayout,
  MiB,
  validate,
  type Machine,
  type Profile,
} from "@tessera/core";
import { STAND_IN_KERNEL_LABEL, STAND_IN_KERNEL_VERSION, standInKernel } from "@tessera/kexec";
import type { AgentConfig } from "./config";
import { kernelDirs } from "./lifecycle/file-checks";
import type { Services } from "./services/index";

export const DEMO_PROFILE_NAME = "demo (stand-in kernel)";
export const STAND_IN_FILE_NAME = "tessera-stand-in-not-a-kernel.bzImage";

/** What GET /api/settings tells the console about the demo's stand-in (null: no demo). */
export interface StandInKernelInfo {
  path: string;
  label: string;
  version: string;
}

export function standInKernelPath(cfg: Pick<AgentConfig, "dataDir">): string {
  return join(cfg.dataDir, "kernels", STAND_IN_FILE_NAME);
}

export function standInKernelInfo(cfg: AgentConfig): StandInKernelInfo | null {
  if (!cfg.demo) return null;
  return {
    path: standInKernelPath(cfg),
    label: STAND_IN_KERNEL_LABEL,
    version: STAND_IN_KERNEL_VERSION,
  };
}

/** The smallest range worth giving os2: the stand-in's init_size (63.5 MiB) and room. */
const MIN_SUCCESSOR = 128n * MiB;
const SUCCESSOR_SIZE = 1n * GiB;
const ALIGN = 2n * MiB;

/**
 * The demo's layout of `m`: OS1 keeps the lower half of the cores (at least one), every
 * device and the memory below os2's range; os2 gets the upper half of the cores and up to
 * 1 GiB at the top of the highest usable RAM, and boots `kernel`. Null, with the reason,
 * when the machine has no room for a second instance.
 */
export function demoLayout(
  m: Machine,
  kernel: string,
): { ok: true; profile: Profile } | { ok: false; reason: string } {
  const host = hostLayout(m, DEMO_PROFILE_NAME);
  const os1 = host.instances[0]!;
  const cores = os1.cpus;
  if (cores.length < 2)
    return {
      ok: false,
      reason: `this machine has ${cores.length} core(s): OS1 needs one and os2 another`,
    };
  const top = m.memoryMap
    .filter((r) => r.type === "usable")
    .reduce<{ start: bigint; size: bigint } | null>(
      (best, r) => (!best || r.start + r.size > best.start + best.size ? r : best),
      null,
    );
  const end = top ? alignDown(top.start + top.size, ALIGN) : 0n;
  const size = top ? alignDown(min(SUCCESSOR_SIZE, top.size / 2n), ALIGN) : 0n;
  if (!top || size < MIN_SUCCESSOR)
    return {
      ok: false,
      reason: `the highest usable RAM region is too small to give os2 ${MIN_SUCCESSOR / MiB} MiB and leave OS1 as much`,
    };
  const start = end - size;
  const keep = Math.ceil(cores.length / 2);
  return {
    ok: true,
    profile: {
      ...host,
      instances: [
        { ...os1, cpus: cores.slice(0, keep), memory: [{ start: 0n, size: start }] },
        { name: "os2", cpus: cores.slice(keep), memory: [{ start, size }], devices: [], kernel },
      ],
    },
  };
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** Writes the stand-in (again, when the file is missing or differs); returns its path. */
export async function writeStandInKernel(cfg: AgentConfig): Promise<string> {
  const path = standInKernelPath(cfg);
  if (!kernelDirs(cfg).some((d) => path.startsWith(d.endsWith("/") ? d : `${d}/`)))
    throw new DemoError(
      `--demo writes its stand-in kernel to ${path}, outside the kernel directories (${kernelDirs(cfg).join(", ")}): add --kernel-dir ${dirname(path)}`,
    );
  const bytes = standInKernel();
  const now = await readFile(path).catch(() => null);
  if (now?.equals(bytes)) return path;
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, bytes);
  await rename(`${path}.tmp`, path);
  return path;
}

export class DemoError extends Error {}

/**
 * On every start with --demo: the stand-in kernel on disk; on a fresh data dir (no profile
 * stored yet), the demo profile, seeded and activated by "system". Says what it did.
 */
export async function prepareDemo(
  cfg: AgentConfig,
  t: Pick<Services, "profiles" | "profileService" | "machine">,
  io: { out(text: string): void },
): Promise<void> {
  const path = await writeStandInKernel(cfg);
  io.out(
    `Demo: ${path} is Tessera's stand-in kernel ("${STAND_IN_KERNEL_LABEL}"): a boot header with no kernel behind it. The dry-run loader simulates starting it; nothing boots.`,
  );
  if (t.profiles.list().length > 0) return;
  const machine = t.machine.machine;
  const r = demoLayout(machine, path);
  const errors = r.ok ? validate(machine, r.profile).filter((d) => d.severity === "error") : [];
  if (!r.ok || errors.length) {
    const why = r.ok ? errors.map((d) => `${d.code}: ${d.message}`).join("; ") : r.reason;
    io.out(`Demo: no demo profile was seeded (${why}). Lay one out in the console instead.`);
    return;
  }
  const rec = t.profileService.create(r.profile, "system");
  t.profileService.activate(rec.id, "system");
  const [os1, os2] = r.profile.instances;
  io.out(
    `Demo: seeded and activated the profile "${DEMO_PROFILE_NAME}": OS1 on LAPIC ${os1!.cpus.join(",")}, os2 on LAPIC ${os2!.cpus.join(",")} with the stand-in kernel. Sign in and start os2 on the Run page.`,
  );
}
