// The direct loader's images, MP table, trampoline, IPIs and guest script on real kernels:
// Debian's stock kernel as OS1 under QEMU (q35, TCG, 4 cores) starts two stock successors
// side by side from its userspace (test/direct-qemu.ts). Fails loudly when QEMU is missing.
import { beforeAll, describe, expect, it } from "vitest";
import { findQemu } from "../../test/qemu-harness";
import {
  bootDirectProof,
  directProofPlan,
  tagged,
  type DirectProofBoot,
} from "../../test/direct-qemu";
import { parseIomem } from "./host-checks";

const plan = directProofPlan();
let boot: DirectProofBoot;

beforeAll(async () => {
  const qemu = findQemu();
  if (!qemu)
    throw new Error(
      "qemu-system-x86_64 is not installed: install the Debian package qemu-system-x86 to run the direct loader's real-kernel proof",
    );
  boot = await bootDirectProof(qemu, plan);
  if (tagged(boot.os1, "OS1-DONE").length === 0)
    throw new Error(
      `OS1 did not finish the proof (qemu exit ${boot.exitCode}${boot.killed ? ", killed at the hard limit" : ""}, ${boot.seconds} s; logs kept in ${boot.work}).\nOS1 tail:\n${boot.os1.slice(-3000)}\nos2 tail:\n${boot.os2.slice(-2000)}\nos3 tail:\n${boot.os3.slice(-2000)}`,
    );
}, 660_000);

const tsc = () => tagged(boot.os1, "OS1-TSC")[0]!;

for (const s of plan.successors) {
  describe(`${s.name} (cores ${s.cpus.join(",")}) started by the direct loader's bytes`, () => {
    const log = () => (s.name === "os2" ? boot.os2 : boot.os3);
    // One entry per boot of the successor (os2 boots twice: it is restarted).
    const boots = () => log().split("Linux version ").slice(1);

    // Boots OS1 parked and booted again because the guest never beat (see README).
    const retries = () => tagged(boot.os1, "OS1-RETRY").filter((r) => r.startsWith(`${s.name} `));

    it(`booted ${s.name === "os2" ? "twice (start, then restart)" : "once"}, plus any retried boot`, () => {
      expect(retries().length).toBeLessThanOrEqual(2);
      expect(boots()).toHaveLength((s.name === "os2" ? 2 : 1) + retries().length);
    });

    it("its e820 is exactly its plan: System RAM = low slice + range", () => {
      for (const b of boots()) {
        const ram = parseIomem(tagged(b, "SUCC-IOMEM").join("\n"))
          .filter((e) => e.depth === 0 && e.name === "System RAM")
          .map((e) => [e.start, e.end + 1n - e.start]);
        expect(ram).toEqual(s.e820.map((e) => [e.start, e.size]));
      }
    });

    it("its CPUs are its cores (the MP table named only them)", () => {
      for (const b of boots())
        expect(tagged(b, "SUCC-ONLINE")[0]).toBe(s.cpuCount === 1 ? "0" : `0-${s.cpuCount - 1}`);
    });

    it("its command line is the planned one, with OS1's TSC frequency", () => {
      for (const b of boots())
        expect(tagged(b, "SUCC-CMDLINE")[0]).toBe(
          s.cmdline.replace("tsc_early_khz=0000000", `tsc_early_khz=${tsc().padEnd(7)}`),
        );
    });

    it("every boot OS1 kept had its LAPIC timer on; only the retried ones failed its verification", () => {
      const failed = boots().filter((b) =>
        /APIC timer disabled due to verification failure/.test(b),
      );
      expect(failed).toHaveLength(retries().length);
    });

    it("it reached init and its guest script beat in the mailbox", () => {
      for (const b of boots()) expect(tagged(b, "SUCC-INIT-DONE")).toHaveLength(1);
      const [, os2State, os2Hb, os2Lvt, , os3State, os3Hb, os3Lvt] = tagged(
        boot.os1,
        "OS1-BEATING",
      )[0]!.split(" ");
      const [state, hb, lvt] =
        s.name === "os2" ? [os2State, os2Hb, os2Lvt] : [os3State, os3Hb, os3Lvt];
      expect(state).toBe("2");
      expect(Number(hb)).toBeGreaterThanOrEqual(3);
      expect(lvt).toBe("1");
    });
  });
}

describe("OS1 and the stop protocol", () => {
  it("OS1's own LINT0 was masked before the first successor woke (the script's first step)", () => {
    const line = tagged(boot.os1, "OS1-LINT0")[0]!;
    const m = /^cpu 0: LINT0 (0x[0-9a-f]+) -> (0x[0-9a-f]+)$/.exec(line);
    expect(m).not.toBeNull();
    expect(Number(m![2]) & 0x10000).toBe(0x10000);
  });

  it("OS1 booted with the direct loader's options and kept its one core", () => {
    expect(tagged(boot.os1, "OS1-CMDLINE")[0]).toBe(plan.os1.cmdline);
    expect(tagged(boot.os1, "OS1-ONLINE")[0]).toBe("0");
  });

  it("stop: os2 acknowledged, was parked with INIT and its heartbeat froze, while os3 kept beating", () => {
    const [a, b] = tagged(boot.os1, "OS1-OS2-STOPPED")[0]!.split(" ").map(Number);
    expect(b).toBe(a);
    const [c, d] = tagged(boot.os1, "OS1-OS3-STILL-BEATING")[0]!.split(" ").map(Number);
    expect(d!).toBeGreaterThan(c!);
  });

  it("restart: os2 loaded and started again while os3 ran, and beat again from a cleared mailbox", () => {
    const [state, hb, lvt] = tagged(boot.os1, "OS1-OS2-RESTARTED")[0]!.split(" ").map(Number);
    expect(state).toBe(2);
    expect(hb).toBeGreaterThanOrEqual(2);
    expect(lvt).toBe(1);
  });

  it("force-stop: os3's heartbeat froze at once while the restarted os2 kept beating", () => {
    const [a, b] = tagged(boot.os1, "OS1-OS3-FORCE-STOPPED")[0]!.split(" ").map(Number);
    expect(b).toBe(a);
    const [c, d] = tagged(boot.os1, "OS1-OS2-STILL-BEATING")[0]!.split(" ").map(Number);
    expect(d!).toBeGreaterThan(c!);
  });

  it("OS1 kept running throughout: its local timer kept ticking", () => {
    const before = Number(tagged(boot.os1, "OS1-LOC-BEFORE")[0]);
    const after = Number(tagged(boot.os1, "OS1-LOC-AFTER")[0]);
    expect(after).toBeGreaterThan(before);
  });
});
