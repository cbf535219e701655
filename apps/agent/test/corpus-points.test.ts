// Each point of issue 15 on the real samples of test/corpus (SOURCES.md): several boots in one
// log, several lspci outputs in one file, hex dumps, memmap= maps, what cannot be known, broken
// ACPI tables and files that are not archives.
import { access, copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it, vi } from "vitest";
import { parseMachine, type Machine, type PciDevice } from "@tessera/core";
import { unpackCapture, findTreeRoot } from "../src/capture/index";
import { run as discover } from "../src/cli/discover";
import { run as importCmd } from "../src/cli/import";
import { memoryIo } from "../src/cli/io";
import { discoverMachine } from "../src/discovery/index";
import { parseMadt } from "../src/discovery/madt";
import { loadPciIds } from "../src/discovery/pci-ids-index";
import { parseSrat } from "../src/discovery/srat";
import { importMachine, parseDmesg, parseLspci } from "../src/importer/index";
import { corpus, QEMU_OS1_TREE } from "./fixture-paths";

// Unpacking a 2,300-file hwloc tarball takes seconds on a loaded machine.
vi.setConfig({ testTimeout: 60_000 });

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
const tmp = async () => {
  const d = await mkdtemp(join(tmpdir(), "tessera-corpus-"));
  dirs.push(d);
  return d;
};
const text = (...p: string[]) => readFile(corpus(...p), "utf8");
const usable = (regions: Machine["memoryMap"]) =>
  regions.filter((r) => r.type === "usable").reduce((s, r) => s + r.size, 0n);
const hasPciIds = await access("/usr/share/misc/pci.ids").then(
  () => true,
  () => false,
);

async function discoverJson(root: string) {
  const io = memoryIo();
  const code = await discover(["--root", root, "--json"], io);
  const parsed = code < 2 ? parseMachine(JSON.parse(io.stdout.join(""))) : null;
  return { code, io, machine: parsed?.ok ? parsed.value : null };
}

describe("several boots in one log (Dell R7425: a boot, then its kdump kernel's)", async () => {
  const log = await text("dell-r7425-kdump-serial", "ttyS0.log");

  it("reads one boot's map, the last by default, never the two merged", () => {
    const last = parseDmesg(log);
    const first = parseDmesg(log, { boot: 1 });
    expect([last.boots, last.boot, last.bootLine]).toEqual([2, 2, 1571]);
    expect(first.e820).toHaveLength(31);
    expect(last.e820).toHaveLength(5);
    // The kdump kernel sees only its 256 MiB reservation (and the page-0 area) as usable.
    expect(usable(last.e820)).toBe(268419072n);
    for (const f of [first, last])
      for (const [i, a] of f.e820.entries())
        for (const b of f.e820.slice(i + 1)) expect(b.start >= a.start + a.size).toBe(true);
  });

  it("tessera import says how many boots it found and which it read; --boot picks one, and a boot the log lacks exits 2", async () => {
    const file = corpus("dell-r7425-kdump-serial", "ttyS0.log");
    const io = memoryIo();
    expect(await importCmd(["--dmesg", file], io)).toBe(0);
    expect(io.stderr.join("\n")).toContain(
      `note: ${file}: 2 boots found ("Linux version" banners); read boot 2, the last, from line 1571 (--boot N picks another)`,
    );
    expect(io.stdout.join("")).toMatch(/memory\s+5 range\(s\)/);
    const one = memoryIo();
    expect(await importCmd(["--dmesg", file, "--boot", "1"], one)).toBe(0);
    expect(one.stdout.join("")).toMatch(/memory\s+31 range\(s\)/);
    const bad = memoryIo();
    expect(await importCmd(["--dmesg", file, "--boot", "3"], bad)).toBe(2);
    expect(bad.stderr.join("")).toBe(
      `tessera import: --boot 3: expected a number from 1 to 2 (${file} holds 2 boot(s))`,
    );
  });

  it("without cpuinfo takes the 128 cores from the SRAT lines, with their nodes, and says package and core are not in the log", async () => {
    const { machine } = await importMachine({ dmesg: log });
    expect(machine.cpus.map((c) => c.apicId)).toEqual([...Array(128).keys()]);
    expect(new Set(machine.cpus.map((c) => c.node))).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
    const u = machine.discovery?.unknown?.join("\n") ?? "";
    expect(u).toContain(
      `package, core and SMT siblings of the 128 cores taken from dmesg's "SRAT: PXM -> APIC -> Node" lines`,
    );
  });
});

describe("an lspci file holding -D, -Dtvvv and -Dkvvvnnxxx (HP ProLiant, 149 devices)", async () => {
  const raw = await text("hp-dmar-lspci-three-outputs", "lspci.txt");
  const ids = hasPciIds ? await loadPciIds() : null;
  const parsed = parseLspci(raw, ids);
  // What the -vvv text itself says, for cross-checking the config space reading.
  const third = raw.split("\n").slice(303);
  const textual = new Map<
    string,
    { cls: number; progIf: number | null; msi: boolean; msix: boolean }
  >();
  let cur = "";
  for (const l of third) {
    const h = /^(\S+) .*? \[([0-9a-f]{4})\]: .*?(?:\(prog-if ([0-9a-f]{2}))?/.exec(l);
    if (h && /^[0-9a-f]{4}:/.test(l)) {
      cur = h[1]!;
      const p = /\(prog-if ([0-9a-f]{2})/.exec(l);
      textual.set(cur, {
        cls: parseInt(h[2]!, 16),
        progIf: p ? parseInt(p[1]!, 16) : null,
        msi: false,
        msix: false,
      });
    } else if (/Capabilities: \[[0-9a-f]+\] MSI:/.test(l)) textual.get(cur)!.msi = true;
    else if (/Capabilities: \[[0-9a-f]+\] MSI-X:/.test(l)) textual.get(cur)!.msix = true;
  }

  it("recognises each output's format and lists every device once", () => {
    expect(parsed.sections.map((s) => [s.line, s.format])).toEqual([
      [1, "lspci -D"],
      [154, "lspci -Dtvvv"],
      [304, "lspci -Dkvvvnnxxx"],
    ]);
    expect(parsed.devices).toHaveLength(149);
    expect(new Set(parsed.devices.map((d) => d.id)).size).toBe(149);
    expect(textual.size).toBe(149);
  });

  it("reads the 2,384 hex dump lines as config space, not as malformed lines", () => {
    expect(parsed.problems.filter((p) => /expected a device line/.test(p.message))).toEqual([]);
    expect(parsed.devices.every((d) => d.config !== null && d.config.length === 256)).toBe(true);
  });

  it("takes MSI and MSI-X from the bytes, agreeing with every Capabilities line lspci printed", () => {
    for (const d of parsed.devices) {
      const t = textual.get(d.id)!;
      expect([d.id, d.msi, d.msix]).toEqual([d.id, t.msi, t.msix]);
    }
  });

  it("keeps numeric ids and the full class with prog-if from the config bytes, over names", () => {
    for (const d of parsed.devices) {
      const t = textual.get(d.id)!;
      expect(d.class! >> 8, d.id).toBe(t.cls);
      if (t.progIf !== null) expect(d.class! & 0xff, d.id).toBe(t.progIf);
    }
    // Broadcom BCM5719: lspci -D printed only "Broadcom Corporation", which pci.ids gives two ids.
    expect(parsed.devices.find((d) => d.id === "0000:03:00.0")).toMatchObject({
      vendor: 0x14e4,
      device: 0x1657,
    });
  });

  it.runIf(hasPciIds)(
    "without the hex dumps (the same file as lspci -Dkvvvnn would print it), the -nn ids still beat the names",
    () => {
      const noHex = raw
        .split("\n")
        .filter((l) => !/^[0-9a-f]{2}: /.test(l))
        .join("\n");
      const p = parseLspci(noHex, ids);
      expect(p.devices).toHaveLength(149);
      expect(p.devices.find((d) => d.id === "0000:03:00.0")).toMatchObject({
        vendor: 0x14e4,
        device: 0x1657,
        msi: true,
        msix: true,
        config: null,
      });
      expect(p.problems[0]?.message).toMatch(
        /^0000:03:00\.0: vendor 0x166d \(from names \(pci\.ids\)\) disagrees with 0x14e4 \(from numeric ids, line \d+\): 0x14e4 kept$/,
      );
    },
  );

  it.runIf(hasPciIds)(
    "reports each disagreement between outputs as a problem, naming both values",
    () => {
      expect(parsed.problems.map((p) => p.message)).toEqual(
        ["0", "1", "2", "3"].map(
          (f, i) =>
            `0000:03:00.${f}: vendor 0x166d (from names (pci.ids)) disagrees with 0x14e4 (from config space, line ${[2360, 2619, 2878, 3137][i]}): 0x14e4 kept`,
        ),
      );
      expect(parsed.problems.map((p) => p.line)).toEqual([38, 39, 40, 41]);
    },
  );
});

describe("the user-defined memory map (AMD EPYC 7351P, memmap=0x5200000$0x3a000000)", async () => {
  const dmesg = await text("amd-epyc-7351p-jailhouse", "dmesg.log");
  const { machine, notes } = await importMachine({ dmesg }, { names: { dmesg: "dmesg.log" } });

  it("applies it: the 82 MiB at 0x3a000000 are reserved, and usable RAM is 82 MiB less than the firmware's", () => {
    const f = parseDmesg(dmesg);
    const hole = machine.memoryMap.find((r) => r.start === 0x3a000000n);
    expect(hole).toMatchObject({ size: 0x5200000n, type: "reserved" });
    expect(usable(f.e820) + 0x5200000n).toBe(usable(f.firmwareE820));
    expect(machine.discovery?.memorySource).toBe("dmesg-user-e820");
  });

  it("says that it did", () => {
    expect(notes).toContain(
      'dmesg.log: the "user-defined physical RAM map" (memmap= on the command line) was applied: 43 ranges instead of the firmware\'s 37',
    );
  });
});

describe("what could not be known is said", () => {
  it("a hybrid i7-1370P whose capture lacks cpu_core/cpu_atom: every coreType null, and unknown says why", async () => {
    const { code, machine } = await discoverJson(
      corpus("hwloc-i7-1370p-hybrid", "20em64t-hybrid-1p6c2t+2ca4co1t.tar.gz"),
    );
    expect(code).toBe(1);
    expect(machine!.cpus.every((c) => c.coreType === null)).toBe(true);
    expect(machine!.discovery?.unknown).toContain(
      "hybrid core types (P-core or E-core) of every cpu: 13th Gen Intel(R) Core(TM) i7-1370P is a hybrid part, but /sys/devices/cpu_core/cpus and /sys/devices/cpu_atom/cpus are missing; coreType written null",
    );
  });

  it("a 64-byte config space (read without root) gives MSI null, not false; MSI-X in use still shows; VMD-domain devices are reported", async () => {
    const { machine, io } = await discoverJson(
      corpus("hwloc-2pa-pcidomain32bits", "2pa-pcidomain32bits.tar.gz"),
    );
    const virtio = machine!.devices.find((d) => d.id === "0000:00:03.0") as PciDevice;
    expect(virtio.irq).toMatchObject({ msi: null, msix: true });
    // Devices whose header says "no capability list" have none: false is known there.
    const bridge = machine!.devices.find((d) => d.id === "0000:00:01.0") as PciDevice;
    expect(bridge.irq).toMatchObject({ msi: false, msix: false });
    const json = JSON.parse(io.stdout.join(""));
    expect(json.devices.find((d: { id: string }) => d.id === "0000:00:03.0").irq.msi).toBeNull();
    expect(machine!.discovery?.problems).toContainEqual({
      path: "/sys/bus/pci/devices/10000:00:04.0",
      message:
        "a PCI domain wider than 16 bits (behind an Intel VMD controller): the machine model has no address for it, so the device is left out",
    });
  });
});

describe("ACPI tables are checked for length and checksum, and named", async () => {
  const madt = await readFile(corpus("dell-r820-acpidump", "APIC"));
  const srat = await readFile(corpus("dell-r820-acpidump", "SRAT"));

  it("a MADT or SRAT cut short is refused, naming the table and both lengths", () => {
    expect(parseMadt(madt.subarray(0, 500))).toEqual({
      ok: false,
      message: "MADT (APIC) truncated: its header declares 898 bytes, the file has 500",
    });
    expect(parseSrat(srat.subarray(0, 1000))).toEqual({
      ok: false,
      message: "SRAT truncated: its header declares 1984 bytes, the file has 1000",
    });
  });

  it("a MADT or SRAT whose bytes do not sum to zero is refused as corrupt", () => {
    const bad = Buffer.from(madt);
    bad[200] = bad[200]! ^ 0x01;
    expect(parseMadt(bad)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^MADT \(APIC\): checksum mismatch/),
    });
    const badSrat = Buffer.from(srat);
    badSrat[100] = badSrat[100]! ^ 0x10;
    expect(parseSrat(badSrat)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^SRAT: checksum mismatch/),
    });
  });

  it("discovery names the bad MADT of a real tree (EPYC 7351P) by path", async () => {
    const dir = await tmp();
    await unpackCapture(
      await readFile(corpus("amd-epyc-7351p-jailhouse", "config-collect.tar.gz")),
      dir,
    );
    const before = await discoverMachine({ root: dir });
    expect(before.problems.filter((p) => p.path.includes("acpi"))).toEqual([]);
    const apic = join(dir, "sys/firmware/acpi/tables/APIC");
    await writeFile(apic, (await readFile(apic)).subarray(0, 600));
    const after = await discoverMachine({ root: dir });
    expect(after.problems).toContainEqual({
      path: "/sys/firmware/acpi/tables/APIC",
      message: "MADT (APIC) truncated: its header declares 1154 bytes, the file has 600",
    });
  });

  it("offline cores missing because the MADT is bad are blamed on the MADT, not cpuinfo (the project's maxcpus=6 capture)", async () => {
    const dir = await tmp();
    await copyTree(QEMU_OS1_TREE, dir);
    const apic = join(dir, "sys/firmware/acpi/tables/APIC");
    await writeFile(apic, (await readFile(apic)).subarray(0, 60));
    const { machine } = await discoverMachine({ root: dir });
    expect(machine.cpus).toHaveLength(6);
    expect(machine.discovery?.unknown?.join("\n")).toMatch(
      /LAPIC IDs of cpu 6,7: offline, so not in \/proc\/cpuinfo, and the MADT that lists them is unusable \(MADT \(APIC\) truncated: its header declares \d+ bytes, the file has 60\); left out/,
    );
  });
});

describe("archives: what is wrong with the user's file, and trees one folder down", () => {
  async function refused(file: string) {
    const io = memoryIo();
    expect(await discover(["--root", file], io)).toBe(2);
    const err = io.stderr.join("\n");
    expect(err).not.toMatch(/tessera-discover-/);
    return err;
  }

  it("a text file named .tar.gz", async () => {
    const f = join(await tmp(), "capture.tar.gz");
    await copyFile(corpus("hp-dmar-lspci-three-outputs", "lspci.txt"), f);
    expect(await refused(f)).toBe(
      `tessera discover: --root ${f}: not a capture archive: it is text (it starts "sudo lspci -D")`,
    );
  });

  it("gzip that holds no tar, gzip cut short, and bzip2", async () => {
    const d = await tmp();
    const log = await readFile(corpus("amd-epyc-7351p-jailhouse", "dmesg.log"));
    await writeFile(join(d, "log.tar.gz"), gzipSync(log));
    expect(await refused(join(d, "log.tar.gz"))).toMatch(
      /: not a capture archive: it is gzip-compressed, but what it holds is text \(it starts "\[ {4}0\.000000\] Linux version 5\.0\.16-300\./,
    );
    const whole = await readFile(corpus("amd-epyc-7351p-jailhouse", "config-collect.tar.gz"));
    await writeFile(join(d, "cut.tar.gz"), whole.subarray(0, 5000));
    expect(await refused(join(d, "cut.tar.gz"))).toMatch(
      /cut\.tar\.gz: not a capture archive: its gzip data is corrupt or cut short/,
    );
    expect(
      await refused(corpus("hwloc-2pa-pcidomain32bits", "2pa-pcidomain32bits.tar.bz2")),
    ).toMatch(/not a capture archive: it is bzip2-compressed, which this reader does not unpack/);
  });

  it("finds the tree one folder down, in an unpacked directory as in the archive", async () => {
    const dir = await tmp();
    await unpackCapture(
      await readFile(corpus("hwloc-i7-1370p-hybrid", "20em64t-hybrid-1p6c2t+2ca4co1t.tar.gz")),
      dir,
    );
    expect((await findTreeRoot(dir)).root).toBe(join(dir, "20em64t-hybrid-1p6c2t+2ca4co1t"));
    const { code, machine } = await discoverJson(dir);
    expect(code).toBe(1);
    expect(machine!.cpus).toHaveLength(20);
  });

  it("a directory with no tree at its top or one folder down names what it holds", async () => {
    const d = await tmp();
    await copyFile(corpus("amd-epyc-7351p-jailhouse", "dmesg.log"), join(d, "dmesg.log"));
    expect(await refused(d)).toBe(
      `tessera discover: --root ${d}: no proc/ or sys/ tree at its top or one folder down (it holds dmesg.log)`,
    );
  });
});

async function copyTree(from: string, to: string): Promise<void> {
  const { cp } = await import("node:fs/promises");
  await cp(from, to, { recursive: true, verbatimSymlinks: true });
}
