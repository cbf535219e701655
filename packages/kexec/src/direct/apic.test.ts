// The helper is compiled for real with the system compiler and run against a sparse file
// standing in for /dev/mem (a TEST STAND-IN: the file's page at 0xfee00000 plays the LAPIC).
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectFailure } from "../../test/direct-fixture";
import { buildApicHelper, detectApicMode, helperSender, msrSender } from "./apic";
import { parkSequence, startSequence } from "./ipi";

const LAPIC = 0xfee00000;
const tmp = () => mkdtempSync(join(tmpdir(), "apic-"));

function fakeMem(size = LAPIC + 0x1000): string {
  const f = join(tmp(), "mem");
  const fd = openSync(f, "w");
  ftruncateSync(fd, size);
  closeSync(fd);
  return f;
}
function readAt(f: string, at: number, n: number): Buffer {
  const fd = openSync(f, "r");
  const b = Buffer.alloc(n);
  readSync(fd, b, 0, n, at);
  closeSync(fd);
  return b;
}
function writeAt(f: string, at: number, b: Buffer) {
  const fd = openSync(f, "r+");
  writeSync(fd, b, 0, b.length, at);
  closeSync(fd);
}

describe("the APIC helper (native/tessera-apic.c, built with cc)", () => {
  const cache = tmp();

  it("builds once per source version (static when possible) and is reused from the cache", async () => {
    const first = await buildApicHelper({ cacheDir: cache });
    expect(["static", "dynamic"]).toContain(first.how);
    const again = await buildApicHelper({ cacheDir: cache });
    expect(again).toEqual({ path: first.path, how: "cached" });
  });

  it("writes ICR high (dest << 24) then ICR low; the last IPI of the sequence stays in the registers", async () => {
    const { path } = await buildApicHelper({ cacheDir: cache });
    const mem = fakeMem();
    const log: string[] = [];
    await helperSender(path, mem).send(startSequence(3, 0x80), new AbortController().signal, (l) =>
      log.push(l),
    );
    expect(readAt(mem, LAPIC + 0x300, 4).readUInt32LE(0)).toBe(0x4680);
    expect(readAt(mem, LAPIC + 0x310, 4).readUInt32LE(0)).toBe(3 << 24);
    expect(log[0]).toBe(`$ ${path} --mem ${mem} 3:0x4500:10000 3:0x4680:200 3:0x4680:0`);
  });

  it("waits for the delivery status and gives up after 100 ms, sending nothing more", async () => {
    const { path } = await buildApicHelper({ cacheDir: cache });
    const mem = fakeMem();
    const busy = Buffer.alloc(4);
    busy.writeUInt32LE(0x1000 | 0x4500);
    writeAt(mem, LAPIC + 0x300, busy);
    const f = await collectFailure(() =>
      helperSender(path, mem).send(parkSequence([1]), new AbortController().signal, () => {}),
    );
    expect(f.code).toBe("LOADER-IPI");
    expect(f.message).toMatch(/exit 4.*still pending/);
    expect(readAt(mem, LAPIC + 0x310, 4).readUInt32LE(0)).toBe(0);
  });

  it("a missing compiler is LOADER-TOOL-MISSING, naming the tool", async () => {
    const f = await collectFailure(() =>
      buildApicHelper({ cacheDir: tmp(), cc: "/nonexistent/cc" }),
    );
    expect(f.code).toBe("LOADER-TOOL-MISSING");
    expect(f.message).toMatch(/"\/nonexistent\/cc" was not found/);
  });

  it("a compiler that fails is LOADER-HELPER-BUILD, its words in the log", async () => {
    // /bin/sh stands in for a broken compiler: it rejects "-static" with a message.
    const log: string[] = [];
    const f = await collectFailure(() =>
      buildApicHelper({ cacheDir: tmp(), cc: "/bin/sh", log: (l) => log.push(l) }),
    );
    expect(f.code).toBe("LOADER-HELPER-BUILD");
    expect(log.length).toBeGreaterThan(0);
    expect(log[0]).toMatch(/^\/bin\/sh: /);
  });
});

describe("x2APIC through the msr device (a TEST STAND-IN file for /dev/cpu/0/msr)", () => {
  function msrDir(apicBase: bigint | null): string {
    const dir = tmp();
    if (apicBase === null) return dir;
    mkdirSync(join(dir, "0"));
    const b = Buffer.alloc(0x838);
    b.writeBigUInt64LE(apicBase, 0x1b);
    writeFileSync(join(dir, "0", "msr"), b);
    return dir;
  }

  it("each IPI is one 8-byte write at 0x830: destination in the high half", async () => {
    const dir = msrDir(0xfee00d00n);
    await msrSender(dir).send(parkSequence([5]), new AbortController().signal, () => {});
    expect(readAt(join(dir, "0", "msr"), 0x830, 8).readBigUInt64LE(0)).toBe(0x0000000500004500n);
  });

  it("mode from IA32_APIC_BASE bit 10 when the msr device exists", async () => {
    expect(
      (await detectApicMode({ msrDir: msrDir(0xfee00d00n), cmdline: "", cpuinfo: "" })).mode,
    ).toBe("x2apic");
    expect(
      (await detectApicMode({ msrDir: msrDir(0xfee00900n), cmdline: "", cpuinfo: "" })).mode,
    ).toBe("xapic");
  });

  it("without the msr device: xAPIC when OS1 has nox2apic or the CPU lacks x2apic, else LOADER-NO-MSR", async () => {
    const none = msrDir(null);
    const x2 = "flags\t\t: fpu apic x2apic tsc\n";
    expect((await detectApicMode({ msrDir: none, cmdline: "ro nox2apic", cpuinfo: x2 })).mode).toBe(
      "xapic",
    );
    expect(
      (await detectApicMode({ msrDir: none, cmdline: "ro", cpuinfo: "flags\t\t: fpu apic tsc\n" }))
        .mode,
    ).toBe("xapic");
    const f = await collectFailure(() =>
      detectApicMode({ msrDir: none, cmdline: "ro", cpuinfo: x2 }),
    );
    expect(f.code).toBe("LOADER-NO-MSR");
    expect(f.message).toMatch(/modprobe msr/);
  });
});
