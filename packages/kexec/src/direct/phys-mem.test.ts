// Physical writes through the real helper's mmap, on a sparse file standing in for /dev/mem
// (a TEST STAND-IN with the same offsets).
import { closeSync, ftruncateSync, mkdtempSync, openSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectFailure } from "../../test/direct-fixture";
import { buildApicHelper } from "./apic";
import { openPhysMem } from "./phys-mem";

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), "phys-"));
  const devMem = join(dir, "mem");
  const fd = openSync(devMem, "w");
  ftruncateSync(fd, 0x50000000);
  closeSync(fd);
  const helper = (await buildApicHelper({})).path;
  return { dir, devMem, pm: await openPhysMem(devMem, helper) };
}

describe("physical memory through the helper", () => {
  it("writes bytes at an unaligned address and reads them back", async () => {
    const { pm } = await setup();
    await pm.write(0x40000ffdn, Buffer.from("across a page"), "test bytes");
    expect((await pm.read(0x40000ffdn, 13)).toString()).toBe("across a page");
    expect((await pm.read(0x40000ff0n, 13)).subarray(0, 13).every((b) => b === 0)).toBe(true);
    await pm.close();
  });

  it("writes a file from a byte offset, more than one 4 MiB window", async () => {
    const { dir, pm } = await setup();
    const body = Buffer.alloc(9 << 20);
    for (let i = 0; i < body.length; i += 4096) body.writeUInt32LE(i, i);
    const file = join(dir, "image");
    writeFileSync(file, Buffer.concat([Buffer.alloc(2560, 0xee), body]));
    await pm.writeFile(0x40200000n, file, 2560, "kernel");
    expect((await pm.read(0x40200000n, body.length)).equals(body)).toBe(true);
    await pm.close();
  });

  it("a missing device is LOADER-NO-DEVMEM; a missing file is LOADER-PHYS-IO with the helper's words", async () => {
    const { dir, pm } = await setup();
    const f = await collectFailure(() => openPhysMem(join(dir, "none"), "/bin/true"));
    expect(f.code).toBe("LOADER-NO-DEVMEM");
    const g = await collectFailure(() => pm.writeFile(0x40000000n, join(dir, "nope"), 0, "kernel"));
    expect(g.code).toBe("LOADER-PHYS-IO");
    expect(g.message).toMatch(/exit 6.*cannot read/);
    await pm.close();
  });
});
