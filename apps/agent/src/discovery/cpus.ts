// Cores: LAPIC IDs from /proc/cpuinfo, topology from sysfs, NUMA nodes from the node
// directories, hybrid core types from the cpu_core / cpu_atom PMU devices.
import type { CoreType, Cpu } from "@tessera/core";
import { apicLayout, parseMadt } from "./madt";
import { cpuidLayout } from "./cpuid-topology";
import { parseCpuinfo } from "./text-formats";
import { parseCpuList, parseCpuMask, type TreeReader } from "./tree-reader";

const CPU = "/sys/devices/system/cpu";
const NODE = "/sys/devices/system/node";

export interface CpuResult {
  cpus: Cpu[];
  /** Linux CPU number -> NUMA node. */
  nodeOfCpu: Map<number, number>;
  unknown: string[];
}

async function list(r: TreeReader, rel: string, required = false): Promise<number[] | null> {
  const t = await r.line(rel, required);
  if (t === null) return null;
  const v = parseCpuList(t);
  if (v === null)
    r.problem(rel, `expected a CPU list like "0-3,8", got ${JSON.stringify(t.slice(0, 40))}`);
  return v;
}

async function int(r: TreeReader, rel: string): Promise<number | null> {
  const t = await r.line(rel);
  if (t === null) return null;
  if (!/^-?\d+$/.test(t)) {
    r.problem(rel, `expected a number, got ${JSON.stringify(t.slice(0, 40))}`);
    return null;
  }
  return Number(t);
}

/** NUMA node of each CPU, from nodeN/cpulist (or nodeN/cpumap in older captures). */
export async function readCpuNodes(r: TreeReader): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const names = (await r.list(NODE)) ?? [];
  for (const name of names) {
    const m = /^node(\d+)$/.exec(name);
    if (!m) continue;
    const node = Number(m[1]);
    let cpus = await list(r, `${NODE}/${name}/cpulist`);
    if (cpus === null) {
      const mask = await r.line(`${NODE}/${name}/cpumap`);
      if (mask !== null) {
        cpus = parseCpuMask(mask);
        if (cpus === null) r.problem(`${NODE}/${name}/cpumap`, "expected a hex CPU mask");
      }
    }
    for (const c of cpus ?? []) out.set(c, node);
  }
  return out;
}

export async function readCpus(r: TreeReader): Promise<CpuResult> {
  const unknown: string[] = [];
  const cpuinfoText = await r.text("/proc/cpuinfo", true);
  const info = cpuinfoText === null ? { processors: [], problems: [] } : parseCpuinfo(cpuinfoText);
  for (const p of info.problems) r.problem("/proc/cpuinfo", `line ${p.line}: ${p.message}`);
  const byCpu = new Map(info.processors.map((p) => [p.processor, p]));

  const online = await list(r, `${CPU}/online`);
  const present = await list(r, `${CPU}/present`);
  await list(r, `${CPU}/possible`);
  const dirs = ((await r.list(CPU, true)) ?? []).flatMap((n) => {
    const m = /^cpu(\d+)$/.exec(n);
    return m ? [Number(m[1])] : [];
  });
  const numbers = [...new Set([...(present ?? []), ...dirs, ...byCpu.keys()])].sort(
    (a, b) => a - b,
  );
  const nodeOfCpu = await readCpuNodes(r);

  const pcores = await list(r, "/sys/devices/cpu_core/cpus");
  const ecores = await list(r, "/sys/devices/cpu_atom/cpus");
  const typeOf = (n: number): CoreType | null =>
    pcores?.includes(n) ? "performance" : ecores?.includes(n) ? "efficiency" : null;
  const hybrid = info.processors.find(isHybrid);
  if (hybrid && (pcores === null || ecores === null))
    unknown.push(
      `hybrid core types (P-core or E-core) of every cpu: ${hybrid.modelName ?? `family ${hybrid.family} model ${hybrid.model}`} is a hybrid part, but /sys/devices/cpu_core/cpus and /sys/devices/cpu_atom/cpus are missing; coreType written null`,
    );

  const found: FoundCpu[] = [];
  const noApic: number[] = [];
  await Promise.all(
    numbers.map(async (n) => {
      const base = `${CPU}/cpu${n}`;
      const p = byCpu.get(n);
      const [onlineFile, pkg, die, core, threads] = await Promise.all([
        r.line(`${base}/online`),
        int(r, `${base}/topology/physical_package_id`),
        int(r, `${base}/topology/die_id`),
        int(r, `${base}/topology/core_id`),
        list(r, `${base}/topology/thread_siblings_list`),
      ]);
      const apicId = p?.apicId ?? p?.initialApicId ?? null;
      if (apicId === null) {
        noApic.push(n);
        return;
      }
      const isOnline = online
        ? online.includes(n)
        : onlineFile !== null
          ? onlineFile === "1"
          : p !== undefined;
      found.push({
        cpu: n,
        apicId,
        pkg: pkg ?? p?.physicalId ?? 0,
        die: die,
        core: core ?? p?.coreId ?? n,
        online: isOnline,
        threadCpus: threads,
      });
      if (pkg === null && p?.physicalId == null)
        unknown.push(`package of cpu${n}: neither topology nor cpuinfo says; 0 assumed`);
    }),
  );
  noApic.sort((a, b) => a - b);
  const madtBad: { message: string | null } = { message: null };
  const offline = await offlineFromMadt(r, found, noApic, online, unknown, madtBad);
  found.push(...offline);
  const stillMissing = noApic.filter((n) => !offline.some((o) => o.cpu === n));
  if (stillMissing.length) {
    // Offline CPUs are never in cpuinfo; the MADT is where they would come from, so when it
    // was unusable that is the reason to give.
    unknown.push(
      madtBad.message
        ? `LAPIC IDs of cpu ${stillMissing.join(",")}: offline, so not in /proc/cpuinfo, and the MADT that lists them is unusable (${madtBad.message}); left out`
        : `LAPIC IDs of cpu ${stillMissing.join(",")}: not in /proc/cpuinfo (offline CPUs do not show there); left out`,
    );
  }
  found.sort((a, b) => a.cpu - b.cpu);
  const apicOfCpu = new Map(found.map((f) => [f.cpu, f.apicId]));
  const cpus: Cpu[] = found.map((f) => {
    let siblings: number[];
    if (f.threadCpus && !offline.some((o) => o.pkg === f.pkg && o.core === f.core)) {
      siblings = f.threadCpus.flatMap((c) => (apicOfCpu.has(c) ? [apicOfCpu.get(c)!] : []));
    } else {
      // No topology file: siblings are the CPUs cpuinfo puts in the same package and core.
      siblings = found.filter((g) => g.pkg === f.pkg && g.core === f.core).map((g) => g.apicId);
    }
    if (!siblings.includes(f.apicId)) siblings.push(f.apicId);
    const cpu: Cpu = {
      apicId: f.apicId,
      cpu: f.cpu,
      package: f.pkg,
      core: f.core,
      node: nodeOfCpu.get(f.cpu) ?? null,
      siblings: siblings.sort((a, b) => a - b),
      online: f.online,
      coreType: typeOf(f.cpu),
    };
    if (f.die !== null) cpu.die = f.die;
    return cpu;
  });
  if (nodeOfCpu.size === 0) unknown.push("NUMA node of each core: no /sys/devices/system/node");
  return { cpus, nodeOfCpu, unknown };
}

interface FoundCpu {
  cpu: number;
  apicId: number;
  pkg: number;
  die: number | null;
  core: number;
  online: boolean;
  threadCpus: number[] | null;
}

/**
 * Cores the MADT enables but cpuinfo lacks are offline. Linux numbers CPUs in MADT order, so
 * they take the present-but-unlisted CPU numbers in order; their package and core follow from
 * the APIC ID layout of the online cores when that layout is unambiguous (see madt.ts).
 */
async function offlineFromMadt(
  r: TreeReader,
  found: FoundCpu[],
  spare: number[],
  online: number[] | null,
  unknown: string[],
  bad: { message: string | null },
): Promise<FoundCpu[]> {
  const path = "/sys/firmware/acpi/tables/APIC";
  const buf = await r.bytes(path);
  if (buf === null) return [];
  const madt = parseMadt(buf);
  if (!madt.ok) {
    r.problem(path, madt.message);
    bad.message = madt.message;
    return [];
  }
  const known = new Set(found.map((f) => f.apicId));
  const missing = madt.lapics.filter((l) => l.enabled && !known.has(l.apicId)).map((l) => l.apicId);
  if (missing.length === 0) return [];
  const fromOnline = apicLayout(
    found.map((f) => ({ apicId: f.apicId, package: f.pkg, core: f.core })),
  );
  const layout = fromOnline ?? (await cpuidLayout(r));
  if (!layout || missing.length !== spare.length) {
    unknown.push(
      `cores with LAPIC IDs ${missing.join(",")} are enabled in the MADT but offline: ` +
        (layout
          ? "their Linux CPU numbers do not match the present CPUs"
          : "the online cores do not pin down the APIC ID layout, so their package and core are unknown") +
        "; left out",
    );
    return [];
  }
  unknown.push(
    `cpu ${spare.join(",")} (LAPIC ${missing.join(",")}) are offline: LAPIC IDs from the MADT, package and core from the ` +
      `APIC ID layout of ${fromOnline ? "the online cores" : "CPUID leaf 0xB of cpu 0"} (package = apic >> ${layout.pkgShift}, core bits from ${layout.smtShift})`,
  );
  return missing.map((apicId, i) => ({
    cpu: spare[i]!,
    apicId,
    pkg: apicId >>> layout.pkgShift,
    die: null,
    core: (apicId >>> layout.smtShift) & ((1 << (layout.pkgShift - layout.smtShift)) - 1),
    online: online ? online.includes(spare[i]!) : false,
    threadCpus: null,
  }));
}

/**
 * Intel parts with P-cores and E-cores (family 6: Alder Lake, Raptor Lake, Meteor Lake, Lunar
 * Lake, Arrow Lake), for kernels that do not show the hybrid_cpu flag.
 */
const HYBRID_MODELS = new Set([0x97, 0x9a, 0xb7, 0xba, 0xbf, 0xaa, 0xac, 0xbd, 0xb5, 0xc5, 0xc6]);

function isHybrid(p: {
  vendorId: string | null;
  family: number | null;
  model: number | null;
  hybridFlag: boolean;
}): boolean {
  return (
    p.hybridFlag || (p.vendorId === "GenuineIntel" && p.family === 6 && HYBRID_MODELS.has(p.model!))
  );
}
