// The direct loader's speed on real kernels, in the lab machine (QEMU TCG, so every figure
// is emulation time; the ratios carry over, the seconds do not):
// - start request -> the successor's first mailbox heartbeat, beside a plain QEMU boot of the
//   same kernel and initramfs to its init (the peer, measured in the same run);
// - the agent's own cost of a start (from the start request to the IPI: building the images,
//   writing them, the MP table, the IPIs) as a ratio of the kernel's boot (IPI -> heartbeat).
// Run: npm run bench (all benches) or cd lab && npx tsx bench/direct-boot.bench.ts
import { join } from "node:path";
import { report } from "../../scripts/bench-report";
import { startLab } from "../src/lab";
import { labProfileJson } from "../src/lab-profile";
import { debianFiles, LAB_CACHE } from "../src/paths";
import { QemuMachine } from "../src/qemu-machine";

interface Phase {
  phase: string;
  at: string;
}

const lab = await startLab({ logDir: join(LAB_CACHE, "bench-logs") });
try {
  await lab.client.signIn("admin", lab.adminPassword);
  const created = await lab.client.request<{ id: string }>("POST", "/api/profiles", {
    profile: labProfileJson(),
  });
  await lab.client.request("POST", `/api/profiles/${created.id}/activate`);
  const live = lab.client.openLive();
  await live.opened;
  const t0 = Date.now();
  await lab.client.request("POST", "/api/instances/os2/start");
  while (live.heartbeats("os2").length === 0) {
    if (Date.now() - t0 > 300_000) throw new Error("os2 sent no heartbeat within 300 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  const firstBeat = Date.now();
  live.close();
  const view = await lab.client.request<{ instances: { name: string; phases: Phase[] }[] }>(
    "GET",
    "/api/instances",
  );
  const phases = view.instances.find((i) => i.name === "os2")!.phases;
  const at = (p: string) => {
    const f = phases.find((x) => x.phase === p);
    if (!f) throw new Error(`os2's run has no ${p} phase: ${JSON.stringify(phases)}`);
    return Date.parse(f.at);
  };
  // The agent's clock is OS1's, the beat's arrival the host's: only differences within one
  // clock are taken (agent: start -> IPI; host: request -> heartbeat).
  const agentCost = at("ipi-sent") - at("loading-image");
  const toBeat = firstBeat - t0;
  await lab.stop();

  // The peer: the same kernel and initramfs, booted by QEMU itself, to the successor's init.
  const debian = debianFiles();
  const plain = await QemuMachine.boot({
    kernel: debian.vmlinuz,
    initrd: join(LAB_CACHE, "successor.img"),
    cmdline: "console=ttyS0,115200",
    cpus: 1,
    memoryMiB: 256,
    logDir: join(LAB_CACHE, "bench-logs", "plain"),
  });
  const p0 = Date.now();
  await plain.waitForSerial(0x3f8, /@@GUEST init-reached/, 300_000);
  const plainBoot = Date.now() - p0;
  await plain.stop();

  report({
    area: "direct",
    name: "start request -> first mailbox heartbeat (os2, 2 cores, QEMU TCG)",
    value: toBeat / 1000,
    unit: "s",
    target: (2 * plainBoot) / 1000,
    kind: "max",
    peer: `QEMU's own boot of the same kernel + initramfs to init: ${(plainBoot / 1000).toFixed(1)} s`,
    note: "target: twice the plain boot (OS1 shares the host's cores with the successor)",
  });
  report({
    area: "direct",
    name: "agent's cost of a start (images, writes, IPIs) / kernel boot",
    value: agentCost / Math.max(1, toBeat - agentCost),
    unit: "x",
    target: 0.1,
    kind: "max",
    peer: `agent ${agentCost} ms, kernel to first heartbeat ${toBeat - agentCost} ms`,
  });
} catch (e) {
  await lab.stop();
  throw e;
}
