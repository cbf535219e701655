// tessera inspect-kernel on Debian's real kernel (fetched by packages/kexec's test setup).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchDebian } from "../../../../packages/kexec/test/debian-kernel";
import { standInKernel } from "@tessera/kexec";
import { run } from "./inspect-kernel";
import { memoryIo } from "./io";

let vmlinuz: string;
let tmp: string;

beforeAll(async () => {
  vmlinuz = fetchDebian().vmlinuz;
  tmp = await mkdtemp(join(tmpdir(), "tessera-inspect-"));
}, 300_000);
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe("tessera inspect-kernel", () => {
  it("exits 0 and prints the header of a usable kernel", async () => {
    const io = memoryIo();
    expect(await run([vmlinuz], io)).toBe(0);
    const text = io.stdout.join("\n");
    expect(text).toMatch(/boot protocol 2\.\d\d/);
    expect(text).toMatch(/relocatable\s+yes/);
    expect(text).toMatch(/usable as a successor kernel: yes/);
  });

  it("names the demo's stand-in kernel for what it is, in text and JSON", async () => {
    const file = join(tmp, "stand-in.bzImage");
    await writeFile(file, standInKernel());
    const io = memoryIo();
    expect(await run([file], io)).toBe(0);
    const text = io.stdout.join("\n");
    expect(text).toMatch(/version\s+tessera-stand-in \(not a kernel\)/);
    expect(text).toMatch(/usable as a successor kernel: no, this is Tessera's stand-in/);
    const json = memoryIo();
    await run([file, "--json"], json);
    expect(JSON.parse(json.stdout.join(""))).toMatchObject({ standIn: true });
  });

  it("--json carries the facts the validator uses", async () => {
    const io = memoryIo();
    expect(await run([vmlinuz, "--json"], io)).toBe(0);
    const j = JSON.parse(io.stdout.join(""));
    const img = await readFile(vmlinuz);
    expect(j.usable).toBe(true);
    expect(j.facts.initSize).toBe("0x" + img.readUInt32LE(0x260).toString(16));
    expect(j.facts.relocatable).toBe(true);
    expect(j.problems).toEqual([]);
  });

  it("exits 1 and says why for a non-relocatable copy", async () => {
    const img = Buffer.from(await readFile(vmlinuz));
    img.writeUInt8(0, 0x234);
    const p = join(tmp, "fixed");
    await writeFile(p, img);
    const io = memoryIo();
    expect(await run([p], io)).toBe(1);
    expect(io.stdout.join("\n")).toMatch(/KERNEL-NOT-RELOCATABLE/);
  });

  it("exits 1 for an ELF file", async () => {
    const io = memoryIo();
    expect(await run([process.execPath], io)).toBe(1);
    expect(io.stdout.join("\n")).toMatch(/KERNEL-ELF/);
  });

  it("exits 2 for a missing file and for bad usage", async () => {
    const io = memoryIo();
    expect(await run([join(tmp, "missing")], io)).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/no such file/);
    expect(await run([], memoryIo())).toBe(2);
    expect(await run(["--bogus", vmlinuz], memoryIo())).toBe(2);
    const help = memoryIo();
    expect(await run(["--help"], help)).toBe(0);
    expect(help.stdout.join("")).toMatch(/usage: tessera inspect-kernel/);
  });
});
