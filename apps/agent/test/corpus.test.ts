// The corpus: every real published sample in test/corpus (SOURCES.md) is read the way an
// operator would read it (tessera import / tessera discover --root FILE, or the ACPI parsers
// for bare tables), and checked against its expected.json: cores, LAPIC IDs, NUMA nodes,
// usable RAM to the byte, device counts and MSI/MSI-X.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { parseMachine, type Machine, type PciDevice } from "@tessera/core";
import { run as discover } from "../src/cli/discover";
import { run as importCmd } from "../src/cli/import";
import { memoryIo } from "../src/cli/io";
import { parseMadt } from "../src/discovery/madt";
import { parseSrat } from "../src/discovery/srat";
import { CORPUS, corpus } from "./fixture-paths";

// Unpacking a 2,300-file hwloc tarball takes seconds on a loaded machine.
vi.setConfig({ testTimeout: 60_000 });

interface Run {
  name: string;
  import?: { dmesg?: string; lspci?: string; cpuinfo?: string };
  boot?: number;
  discover?: string;
  acpi?: { madt: string; srat: string };
  boots?: number;
  cpus: number;
  apicIds: string;
  nodes: number;
  memoryRanges?: number;
  usableBytes?: string;
  pciDevices?: number;
  msi?: number;
  msix?: number;
  msiUnknown?: number;
  sratCpus?: number;
  sratMemoryRanges?: number;
}

/** "0-3,8" or "0,1,8" to numbers. */
function ids(spec: string): number[] {
  if (spec === "") return [];
  return spec.split(",").flatMap((part) => {
    const [a, b] = part.split("-").map(Number);
    return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
}

async function machineOf(sample: string, r: Run): Promise<{ machine: Machine; stderr: string }> {
  const io = memoryIo();
  let code: number;
  if (r.discover) {
    code = await discover(["--root", corpus(sample, r.discover), "--json"], io);
  } else {
    const args = Object.entries(r.import!).flatMap(([k, f]) => [`--${k}`, corpus(sample, f)]);
    if (r.boot !== undefined) args.push("--boot", String(r.boot));
    code = await importCmd([...args, "--json"], io);
  }
  expect(code, io.stderr.join("\n")).toBeLessThan(2);
  const parsed = parseMachine(JSON.parse(io.stdout.join("")));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed));
  return { machine: parsed.value, stderr: io.stderr.join("\n") };
}

const samples = readdirSync(CORPUS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe("corpus", () => {
  it("has every sample listed in SOURCES.md with an expected.json", () => {
    const sources = readFileSync(corpus("SOURCES.md"), "utf8");
    expect(samples.length).toBeGreaterThanOrEqual(6);
    for (const s of samples) {
      expect(sources, s).toContain(`## ${s}/`);
      expect(() => readFileSync(corpus(s, "expected.json"))).not.toThrow();
    }
  });

  for (const sample of samples) {
    const runs = (
      JSON.parse(readFileSync(corpus(sample, "expected.json"), "utf8")) as { runs: Run[] }
    ).runs;
    for (const r of runs) {
      it(`${sample}: ${r.name}`, async () => {
        if (r.acpi) {
          const madt = parseMadt(readFileSync(corpus(sample, r.acpi.madt)));
          const srat = parseSrat(readFileSync(corpus(sample, r.acpi.srat)));
          if (!madt.ok || !srat.ok) throw new Error(JSON.stringify({ madt, srat }));
          const enabled = madt.lapics.filter((l) => l.enabled).map((l) => l.apicId);
          expect(enabled).toHaveLength(r.cpus);
          expect([...enabled].sort((a, b) => a - b)).toEqual(ids(r.apicIds));
          expect(srat.srat.cpuPxm.size).toBe(r.sratCpus);
          expect(new Set(srat.srat.cpuPxm.values()).size).toBe(r.nodes);
          expect(srat.srat.memory).toHaveLength(r.sratMemoryRanges!);
          return;
        }
        const { machine, stderr } = await machineOf(sample, r);
        expect(machine.cpus).toHaveLength(r.cpus);
        expect(machine.cpus.map((c) => c.apicId).sort((a, b) => a - b)).toEqual(ids(r.apicIds));
        const nodes = new Set(machine.cpus.map((c) => c.node).filter((n) => n !== null));
        expect(nodes.size).toBe(r.nodes);
        if (r.memoryRanges !== undefined) expect(machine.memoryMap).toHaveLength(r.memoryRanges);
        const usable = machine.memoryMap
          .filter((m) => m.type === "usable")
          .reduce((s, m) => s + m.size, 0n);
        expect(usable.toString()).toBe(r.usableBytes);
        const pci = machine.devices.filter((d): d is PciDevice => d.bus === "pci");
        expect(pci).toHaveLength(r.pciDevices!);
        expect(new Set(pci.map((d) => d.id)).size).toBe(pci.length);
        if (r.msi !== undefined) {
          expect(pci.filter((d) => d.irq.msi === true)).toHaveLength(r.msi);
          expect(pci.filter((d) => d.irq.msix === true)).toHaveLength(r.msix!);
          expect(pci.filter((d) => d.irq.msi === null)).toHaveLength(r.msiUnknown!);
        }
        if (r.boots !== undefined && r.boots > 1)
          expect(stderr).toContain(`${r.boots} boots found`);
      });
    }
  }
});
