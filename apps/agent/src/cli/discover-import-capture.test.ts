// The discover, import and capture commands: exit codes, --json output, errors that name
// what and where.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseMachine } from "@tessera/core";
import { memoryIo } from "./io";
import { run as discover } from "./discover";
import { run as importCmd } from "./import";
import { run as capture } from "./capture";
import { readTar } from "../capture/index";
import { fixture, QEMU_TREE } from "../../test/fixture-paths";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("tessera discover", () => {
  it("--root on the QEMU capture --json prints a tessera/machine@1 that parses, exit 0", async () => {
    const io = memoryIo();
    expect(await discover(["--root", QEMU_TREE, "--json"], io)).toBe(0);
    const parsed = parseMachine(JSON.parse(io.stdout.join("")));
    expect(parsed.ok && parsed.value.cpus.length).toBe(8);
  });

  it("exits 1 and lists each problem with its path when files are missing", async () => {
    const io = memoryIo();
    expect(await discover(["--root", fixture("amd-epyc-7451-2s-96cpu")], io)).toBe(1);
    expect(io.stdout.join("")).toMatch(/cores\s+96/);
    expect(io.stderr.join("")).toMatch(/\/sys\/firmware\/memmap: missing/);
  });

  it("exits 2 on an unknown option and on a root with nothing in it", async () => {
    expect(await discover(["--bogus"], memoryIo())).toBe(2);
    const empty = await mkdtemp(join(tmpdir(), "tessera-cli-"));
    dirs.push(empty);
    const io = memoryIo();
    expect(await discover(["--root", empty], io)).toBe(2);
    expect(io.stderr.join("")).toBe(
      `tessera discover: --root ${empty}: no proc/ or sys/ tree at its top or one folder down (it holds nothing)`,
    );
    const bad = memoryIo();
    expect(await discover(["--root", join(QEMU_TREE, "proc/cpuinfo")], bad)).toBe(2);
    expect(bad.stderr.join("")).toMatch(
      /cpuinfo: not a capture archive: it is text \(it starts "processor/,
    );
  });
});

describe("tessera import", () => {
  it("builds a machine from the T440's dmesg and lspci -vvv, exit 0", async () => {
    const io = memoryIo();
    const code = await importCmd(
      [
        "--dmesg",
        fixture("dell-poweredge-t440-xeon-gold-5118", "dmesg.txt"),
        "--lspci",
        fixture("dell-poweredge-t440-xeon-gold-5118", "lspci-vvv.txt"),
        "--json",
      ],
      io,
    );
    expect(code).toBe(0);
    const m = JSON.parse(io.stdout.join(""));
    expect(m.discovery.source).toBe("import");
    // The log's "user-defined physical RAM map" (memmap=), and a note that it was applied.
    expect(m.memoryMap.length).toBe(26);
    expect(m.discovery.memorySource).toBe("dmesg-user-e820");
    expect(io.stderr.join("\n")).toMatch(
      /note: .*dmesg\.txt: the "user-defined physical RAM map" \(memmap= on the command line\) was applied: 26 ranges instead of the firmware's 16/,
    );
  });

  it("exits 2 naming the file it cannot read, and when no input is given", async () => {
    const io = memoryIo();
    expect(await importCmd(["--dmesg", "/nonexistent/dmesg.txt"], io)).toBe(2);
    expect(io.stderr.join("")).toMatch(/cannot read --dmesg \/nonexistent\/dmesg.txt: ENOENT/);
    expect(await importCmd([], memoryIo())).toBe(2);
  });
});

describe("tessera capture", () => {
  it("-o writes a .tar.gz of the captured tree's files", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tessera-cli-"));
    dirs.push(dir);
    const out = join(dir, "c.tar.gz");
    const io = memoryIo();
    expect(await capture(["--root", QEMU_TREE, "-o", out], io)).toBe(0);
    const entries = readTar(await readFile(out));
    expect(entries.some((e) => e.path === "proc/cpuinfo")).toBe(true);
    expect(io.stdout.join("")).toMatch(/wrote .*c\.tar\.gz/);
  });

  it("an archive made by capture discovers, given to discover --root as is, as the captured tree does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tessera-cli-"));
    dirs.push(dir);
    const out = join(dir, "c.tar.gz");
    expect(await capture(["--root", QEMU_TREE, "-o", out], memoryIo())).toBe(0);
    const fromArchive = memoryIo();
    const fromTree = memoryIo();
    expect(await discover(["--root", out, "--json"], fromArchive)).toBe(0);
    expect(await discover(["--root", QEMU_TREE, "--json"], fromTree)).toBe(0);
    expect(fromArchive.stdout.join("")).toBe(fromTree.stdout.join(""));
  });

  it("exits 2 without -o", async () => {
    const io = memoryIo();
    expect(await capture([], io)).toBe(2);
    expect(io.stderr.join("")).toMatch(/-o FILE.tar.gz is required/);
  });
});
