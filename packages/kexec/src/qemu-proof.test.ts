// The proof on a real kernel: Debian's Linux under qemu-system-x86_64 boots as OS1 with the
// plan's OS1 options; the successor commands of the exported plan run with Debian's stock
// kexec-tools; the successor reports its own view of memory, cores and command line.
// Stock kexec replaces OS1 (it cannot run both): the successor's view is what is proved.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseMachine, parseProfile, plan, type BootPlan, type SuccessorPlan } from "@tessera/core";
import { beforeAll, describe, expect, it } from "vitest";
import { fetchDebian } from "../test/debian-kernel";
import {
  bootProof,
  findQemu,
  parseCpuList,
  parseIomem,
  type ProofBoot,
} from "../test/qemu-harness";
import { readKernelFacts } from "./bzimage";

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(fileURLToPath(new URL(`../test/fixtures/${name}`, import.meta.url)), "utf8"),
  );

let bootPlan: BootPlan;
let succ: SuccessorPlan;
let boot: ProofBoot;

beforeAll(async () => {
  const qemu = findQemu();
  if (!qemu) {
    // Loud on purpose: a machine without QEMU must not pass this proof by skipping it.
    throw new Error(
      "qemu-system-x86_64 is not installed: install the Debian package qemu-system-x86 (apt-get install qemu-system-x86) to run the real-kernel proof",
    );
  }
  const deb = fetchDebian();
  const m = parseMachine(fixture("qemu-2g-3cpu.machine.json"));
  const p = parseProfile(fixture("qemu-2g-3cpu.profile.json"));
  if (!m.ok || !p.ok) throw new Error("the QEMU fixtures do not parse");
  const facts = await readKernelFacts(deb.vmlinuz);
  if (!facts.ok) throw new Error(facts.reason);
  const r = plan(m.value, p.value, { kernels: { "/boot/vmlinuz": facts.facts } });
  if (!r.ok)
    throw new Error(
      `core refused the QEMU profile: ${r.diagnostics.map((d) => d.code).join(", ")}`,
    );
  bootPlan = r.plan;
  succ = bootPlan.successors[0]!;
  boot = await bootProof(qemu, bootPlan);
  if (!boot.successor) {
    throw new Error(
      `the successor never reported (qemu exit ${boot.exitCode}${boot.killed ? ", killed at the hard limit" : ""}); serial tail:\n${boot.serial.slice(-4000)}`,
    );
  }
}, 420_000);

describe("a planned successor on Debian's real kernel under QEMU", () => {
  it("OS1 booted with the plan's OS1 options and kept out of the successor's memory", () => {
    expect(boot.os1.cmdline).toBe(bootPlan.os1.cmdline);
    const ram = parseIomem(boot.os1.iomem).filter((e) => e.depth === 0 && e.name === "System RAM");
    expect(ram.length).toBeGreaterThan(0);
    for (const r of ram) {
      expect(r.end).toBeLessThan(bootPlan.os1.memEnd);
      for (const res of bootPlan.os1.reservations) {
        expect(r.end < res.start || r.start >= res.start + res.size).toBe(true);
      }
    }
  });

  it("the successor's System RAM is exactly its range and its low slice", () => {
    const ram = parseIomem(boot.successor!.iomem)
      .filter((e) => e.depth === 0 && e.name === "System RAM")
      .map((e) => ({ start: e.start, size: e.end - e.start + 1n }));
    const planned = succ.e820
      .filter((e) => e.type === "usable")
      .map((e) => ({ start: e.start, size: e.size }));
    expect(ram).toEqual(planned);
    expect(planned).toContainEqual(succ.lowMemory);
    expect(planned).toContainEqual({ start: succ.memMin, size: succ.memMax - succ.memMin + 1n });
  });

  it("the successor runs its planned number of cores out of the machine's", () => {
    expect(parseCpuList(boot.successor!.online)).toHaveLength(succ.cpuCount);
    expect(parseCpuList(boot.successor!.present).length).toBeGreaterThan(succ.cpuCount);
  });

  it("the successor's command line is the planned one", () => {
    expect(boot.successor!.cmdline).toBe(succ.cmdline);
  });

  it("the successor's kernel code and data lie inside its range (the nokaslr guard)", () => {
    const iomem = parseIomem(boot.successor!.iomem);
    for (const name of ["Kernel code", "Kernel data"]) {
      const e = iomem.find((x) => x.name === name);
      expect(e, `${name} in the successor's /proc/iomem`).toBeDefined();
      expect(e!.start).toBeGreaterThanOrEqual(succ.memMin);
      expect(e!.end).toBeLessThanOrEqual(succ.memMax);
    }
  });
});
