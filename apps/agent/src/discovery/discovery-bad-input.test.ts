// Bad and odd input: a copy of the real QEMU capture with one thing broken at a time.
// Discovery must keep going, mark what it could not read and name the path; never throw.
import { cp, mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { discoverMachine } from "./index";
import { QEMU_TREE } from "../../test/fixture-paths";

const made: string[] = [];
async function copyOfCapture(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "tessera-bad-"));
  made.push(dir);
  await cp(QEMU_TREE, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}
afterEach(async () => {
  for (const d of made.splice(0)) await rm(d, { recursive: true, force: true });
});

const NIC = "sys/devices/pci0000:00/0000:00:02.0";

describe("discovery on broken trees", () => {
  it("a config space cut to 64 bytes (what a non-root reader sees) is reported, not read as 'no MSI capability'", async () => {
    const root = await copyOfCapture();
    await truncate(join(root, NIC, "config"), 64);
    const { machine, problems } = await discoverMachine({ root });
    const nic = machine.devices.find((d) => d.id === "0000:00:02.0");
    expect(nic?.bus === "pci" && nic.capabilities).toBeUndefined();
    expect(problems.find((p) => p.path === "/sys/bus/pci/devices/*/config")?.message).toMatch(
      /64 bytes.*0000:00:02\.0/,
    );
    expect(
      machine.discovery?.unknown?.some((u) => /capability lists of 1 PCI device/.test(u)),
    ).toBe(true);
  });

  it("a config space shorter than the header is a problem with its path and the device still comes from sysfs", async () => {
    const root = await copyOfCapture();
    await truncate(join(root, NIC, "config"), 20);
    const { machine, problems } = await discoverMachine({ root });
    expect(problems).toContainEqual({
      path: `/${NIC}/config`,
      message: "only 20 bytes: the standard header needs 64",
    });
    expect(machine.devices.some((d) => d.id === "0000:00:02.0")).toBe(true);
  });

  it("a capability list that loops is reported and the walk stops", async () => {
    const root = await copyOfCapture();
    const cfg = await readFile(join(root, NIC, "config"));
    const first = cfg[0x34]!;
    cfg[first + 1] = first; // the first capability points back at itself
    await writeFile(join(root, NIC, "config"), cfg);
    const { problems } = await discoverMachine({ root });
    expect(problems.some((p) => p.path === `/${NIC}/config` && /loops/.test(p.message))).toBe(true);
  });

  it("a missing /proc/cpuinfo leaves no invented cores and names the file", async () => {
    const root = await copyOfCapture();
    await rm(join(root, "proc/cpuinfo"));
    const { machine, problems } = await discoverMachine({ root });
    expect(machine.cpus).toEqual([]);
    expect(problems).toContainEqual({ path: "/proc/cpuinfo", message: "missing" });
    expect(
      machine.discovery?.unknown?.some((u) => /LAPIC IDs of cpu 0,1,2,3,4,5,6,7/.test(u)),
    ).toBe(true);
    expect(machine.memoryMap.length).toBeGreaterThan(0);
  });

  it("a malformed node cpulist is a problem with its path; the rest is still read and the SRAT fills the nodes", async () => {
    const root = await copyOfCapture();
    await writeFile(join(root, "sys/devices/system/node/node1/cpulist"), "4-x\n");
    const { machine, problems } = await discoverMachine({ root });
    expect(
      problems.some(
        (p) => p.path === "/sys/devices/system/node/node1/cpulist" && /CPU list/.test(p.message),
      ),
    ).toBe(true);
    expect(machine.cpus).toHaveLength(8);
    expect(machine.cpus.filter((c) => c.node === 1).map((c) => c.cpu)).toEqual([4, 5, 6, 7]);
    expect(machine.discovery?.unknown).toContain(
      "NUMA node of cpu 4,5,6,7: not in the node directories, taken from the SRAT",
    );
  });

  it("a malformed node cpulist without an SRAT leaves those cores without a node", async () => {
    const root = await copyOfCapture();
    await writeFile(join(root, "sys/devices/system/node/node1/cpulist"), "4-x\n");
    await rm(join(root, "sys/firmware/acpi/tables/SRAT"));
    const { machine } = await discoverMachine({ root });
    expect(machine.cpus.filter((c) => c.node === null).map((c) => c.cpu)).toEqual([4, 5, 6, 7]);
  });

  it("without the firmware memmap it falls back to /proc/iomem and says which source it used", async () => {
    const root = await copyOfCapture();
    await rm(join(root, "sys/firmware/memmap"), { recursive: true });
    const { machine } = await discoverMachine({ root });
    expect(machine.discovery?.memorySource).toBe("iomem");
    expect(machine.memoryMap.some((r) => r.type === "usable" && r.start === 0x100000n)).toBe(true);
  });

  it("an /proc/iomem whose addresses read as zero (non-root) is reported instead of a map of zeros", async () => {
    const root = await copyOfCapture();
    await rm(join(root, "sys/firmware/memmap"), { recursive: true });
    const iomem = await readFile(join(root, "proc/iomem"), "utf8");
    // What the kernel shows a non-root reader: the same lines with every address zeroed.
    await writeFile(
      join(root, "proc/iomem"),
      iomem.replace(/[0-9a-f]+-[0-9a-f]+ :/g, (m) => m.replace(/[0-9a-f]/g, "0")),
    );
    const { machine, problems } = await discoverMachine({ root });
    expect(machine.memoryMap).toEqual([]);
    expect(machine.discovery?.memorySource).toBe("unknown");
    expect(problems.some((p) => p.path === "/proc/iomem" && /zero/.test(p.message))).toBe(true);
  });

  it("a /proc/ioports of zeros (non-root) is reported, and the keyboard and VGA are still found by name", async () => {
    const root = await copyOfCapture();
    const ioports = await readFile(join(root, "proc/ioports"), "utf8");
    await writeFile(
      join(root, "proc/ioports"),
      ioports.replace(/[0-9a-f]{4}-[0-9a-f]{4} :/g, "0000-0000 :"),
    );
    const { machine, problems } = await discoverMachine({ root });
    expect(problems.some((p) => p.path === "/proc/ioports" && /0000-0000/.test(p.message))).toBe(
      true,
    );
    expect(machine.devices.map((d) => d.id)).toEqual(
      expect.arrayContaining(["ps2-keyboard", "vga"]),
    );
  });

  it("a memmap entry with a malformed start is reported and left out", async () => {
    const root = await copyOfCapture();
    await writeFile(join(root, "sys/firmware/memmap/3/start"), "banana\n");
    const { machine, problems } = await discoverMachine({ root });
    expect(problems).toContainEqual({
      path: "/sys/firmware/memmap/3/start",
      message: 'expected a hex address, got "banana"',
    });
    expect(machine.memoryMap.length).toBeGreaterThan(0);
  });

  it("a malformed config.hex dump is reported with its line", async () => {
    const root = await copyOfCapture();
    await rm(join(root, NIC, "config"));
    await writeFile(join(root, NIC, "config.hex"), "00: 86 80 d3 10\n10: zz\n");
    const { problems } = await discoverMachine({ root });
    expect(problems.some((p) => p.path === `/${NIC}/config.hex` && /line 2/.test(p.message))).toBe(
      true,
    );
  });

  it("an empty directory gives an empty machine and a list of problems, not an exception", async () => {
    const root = await mkdtemp(join(tmpdir(), "tessera-empty-"));
    made.push(root);
    const { machine, problems } = await discoverMachine({ root });
    expect(machine.cpus).toEqual([]);
    expect(machine.devices).toEqual([]);
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(["/proc/cpuinfo", "/sys/bus/pci/devices"]),
    );
  });
});
