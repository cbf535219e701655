// The trampoline is proven by disassembling it with binutils' objdump: 16-bit code as
// i8086, 32-bit code as i386, and the GDT checked as descriptors.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildTrampoline, TRAMPOLINE, trampolineChunks } from "./trampoline";

const PAGE = 0x80000n;
const ZP = 0x40000000n;
const LOAD = 0x40200000n;

function disassemble(
  bytes: Buffer,
  machine: "i8086" | "i386",
  start: number,
  stop: number,
): string[] {
  const dir = mkdtempSync(join(tmpdir(), "tramp-"));
  const file = join(dir, "t.bin");
  writeFileSync(file, bytes);
  const out = execFileSync(
    "objdump",
    [
      "-D",
      "-b",
      "binary",
      `-m${machine}`,
      `--start-address=${start}`,
      `--stop-address=${stop}`,
      file,
    ],
    { encoding: "utf8" },
  );
  // "   0:\tfa                   \tcli" -> "cli"
  return out
    .split("\n")
    .filter((l) => /^\s+[0-9a-f]+:\t/.test(l) && l.split("\t").length >= 3)
    .map((l) => l.split("\t")[2]!.replace(/\s+/g, " ").trim());
}

describe("trampoline", () => {
  const t = buildTrampoline(PAGE, ZP, LOAD);

  it("real mode: cli, DS=CS, lgdt (32-bit base), CR0.PE, far jump to 0x10:page+code32", () => {
    expect(disassemble(t, "i8086", 0, TRAMPOLINE.code32)).toEqual([
      "cli",
      "cld",
      "mov %cs,%ax",
      "mov %ax,%ds",
      "lgdtl 0x60",
      "mov %cr0,%eax",
      "or $0x1,%eax",
      "mov %eax,%cr0",
      "ljmpl $0x10,$0x8001e",
    ]);
  });

  it("protected mode: segments = 0x18, ESI = zero page, EBP = EDI = EBX = 0, jump to the load address", () => {
    expect(disassemble(t, "i386", TRAMPOLINE.code32, TRAMPOLINE.end32)).toEqual([
      "mov $0x18,%ax",
      "mov %eax,%ds",
      "mov %eax,%es",
      "mov %eax,%ss",
      "mov %eax,%fs",
      "mov %eax,%gs",
      "mov $0x40000000,%esi",
      "xor %ebp,%ebp",
      "xor %edi,%edi",
      "xor %ebx,%ebx",
      "mov $0x40200000,%eax",
      "jmp *%eax",
    ]);
  });

  it("GDT: flat 4 GiB code at 0x10 (execute/read, 32-bit), data at 0x18 (read/write); GDTR points at it", () => {
    const desc = (sel: number) => {
      const d = t.subarray(TRAMPOLINE.gdt + sel, TRAMPOLINE.gdt + sel + 8);
      const base = d.readUInt16LE(2) | (d[4]! << 16) | (d[7]! << 24);
      const limit = d.readUInt16LE(0) | ((d[6]! & 0x0f) << 16);
      return { base, limit, access: d[5], flags: d[6]! >> 4 };
    };
    expect(desc(0x10)).toEqual({ base: 0, limit: 0xfffff, access: 0x9a, flags: 0xc });
    expect(desc(0x18)).toEqual({ base: 0, limit: 0xfffff, access: 0x92, flags: 0xc });
    expect(t.readUInt16LE(TRAMPOLINE.gdtr)).toBe(31);
    expect(t.readUInt32LE(TRAMPOLINE.gdtr + 2)).toBe(Number(PAGE) + TRAMPOLINE.gdt);
    expect(t.length).toBe(TRAMPOLINE.bytes);
  });

  it("every byte has its comment", () => {
    const chunks = trampolineChunks(PAGE, ZP, LOAD);
    expect(chunks.reduce((n, c) => n + c.bytes.length, 0)).toBe(t.length);
    for (const c of chunks) expect(c.asm.length).toBeGreaterThan(3);
  });

  it("refuses a page that is not a 4 KiB page below 1 MiB, and targets above 4 GiB", () => {
    expect(() => buildTrampoline(0x80800n, ZP, LOAD)).toThrow(/4 KiB aligned below 1 MiB/);
    expect(() => buildTrampoline(PAGE, 0x1_0000_0000n, LOAD)).toThrow(/above 4 GiB/);
  });
});
