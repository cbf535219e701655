// The lab: a QEMU q35 machine whose OS1 is Debian's stock kernel running the real Tessera
// agent with the direct loader, and whose os2/os3 are started from it. Two boots, the way an
// operator does it on real hardware: the first discovers the machine and plans the layout
// with the CLI (OS1's options come from the plan), the second boots OS1 with those options
// and runs the agent.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildAgentBundle } from "./agent-bundle";
import { AgentClient } from "./agent-client";
import { buildOs1Initramfs, buildSuccessorInitramfs, planBody, serveBody } from "./guest-image";
import { labProfileJson, LAB_CPUS, LAB_MEMORY_MIB } from "./lab-profile";
import { debianFiles, LAB_CACHE } from "./paths";
import { freePort, QemuMachine } from "./qemu-machine";
import { buildGuestSide } from "./direct-guest";

/** The plan as `tessera plan --format json` prints it (bigints as hex strings). */
export interface PlanJson {
  os1: { cmdline: string; options: string[] };
  successors: {
    name: string;
    cpus: number[];
    cmdline: string;
    e820: { start: string; size: string; type: string }[];
    direct?: { mailbox: string };
  }[];
}

export interface Lab {
  machine: QemuMachine;
  client: AgentClient;
  url: string;
  adminPassword: string;
  plan: PlanJson;
  /** The machine as OS1 discovered it in the first boot (tessera/machine@1). */
  discovered: { cpus: unknown[]; memoryMap: unknown[]; platform?: { tscKhz: number | null } };
  stop(): Promise<void>;
}

export interface LabOptions {
  logDir?: string;
  /** Host port for the console; 0 or absent picks a free one. */
  port?: number;
  log?: (line: string) => void;
}

function between(text: string, begin: string, end: string): string {
  const a = text.indexOf(begin);
  const b = text.indexOf(end, a);
  if (a === -1 || b === -1) throw new Error(`no ${begin} … ${end} block in the serial output`);
  return text.slice(a + begin.length, b);
}

export async function startLab(o: LabOptions = {}): Promise<Lab> {
  const log = o.log ?? (() => {});
  const logDir = o.logDir ?? join(LAB_CACHE, "logs");
  mkdirSync(logDir, { recursive: true });
  const debian = debianFiles();
  log(`kernel: ${debian.version}`);
  const agent = buildAgentBundle();
  const guest = await buildGuestSide();
  const successorImage = buildSuccessorInitramfs(debian, guest.script);
  const profileJson = JSON.stringify(labProfileJson(), null, 2);
  const files = guest.files;

  log("boot 1: discover this machine and plan the layout for the direct loader");
  const planImage = buildOs1Initramfs(debian, agent, successorImage, {
    name: "os1-plan",
    body: planBody(),
    profileJson,
    files,
  });
  const first = await QemuMachine.boot({
    kernel: debian.vmlinuz,
    initrd: planImage,
    cmdline: "console=ttyS0,115200",
    cpus: LAB_CPUS,
    memoryMiB: LAB_MEMORY_MIB,
    logDir: join(logDir, "plan-boot"),
  });
  try {
    await first.waitForSerial(0x3f8, /@@OS1-PLANNED/, 180_000);
  } finally {
    await first.stop();
  }
  const out = first.serial(0x2f8);
  const failed = /@@OS1-(DISCOVER|PLAN)-FAILED/.exec(first.serial(0x3f8));
  if (failed)
    throw new Error(
      `the first boot could not ${failed[1]!.toLowerCase()}: see ${first.serialPath(0x3f8)}`,
    );
  const plan = JSON.parse(between(out, "@@PLAN-BEGIN", "@@PLAN-END")) as PlanJson;
  const discovered = JSON.parse(
    between(out, "@@MACHINE-BEGIN", "@@MACHINE-END"),
  ) as Lab["discovered"];
  log(`OS1's options: ${plan.os1.cmdline}`);

  const port = o.port || (await freePort());
  const url = `http://127.0.0.1:${port}`;
  log("boot 2: OS1 with the plan's options, running the agent with the direct loader");
  const serveImage = buildOs1Initramfs(debian, agent, successorImage, {
    name: "os1-serve",
    body: serveBody([
      "--host",
      "0.0.0.0",
      "--port",
      "7443",
      "--data-dir",
      "/data",
      "--web-root",
      "/tessera/web",
      "--loader",
      "direct",
      "--loader-options",
      JSON.stringify(guest.loaderOptions),
      "--allowed-origin",
      url,
      // Software emulation boots a kernel several times slower than hardware: the default
      // 60 s would call a healthy boot stuck (a warning only, but a false one).
      "--phase-deadlines",
      JSON.stringify({ "kernel-booting": 180_000, "userspace-up": 120_000 }),
    ]),
    profileJson,
    files,
  });
  const machine = await QemuMachine.boot({
    kernel: debian.vmlinuz,
    initrd: serveImage,
    cmdline: plan.os1.cmdline,
    cpus: LAB_CPUS,
    memoryMiB: LAB_MEMORY_MIB,
    logDir,
    hostPort: port,
  });
  try {
    const m = await machine.waitForSerial(0x3f8, /One-time password: (\S+)/, 180_000);
    const client = new AgentClient(url);
    await client.waitUntilUp(120_000);
    return {
      machine,
      client,
      url,
      adminPassword: m[1]!,
      plan,
      discovered,
      stop: () => machine.stop(),
    };
  } catch (e) {
    await machine.stop();
    throw e;
  }
}
