// The SIPI start page, hand-assembled. A core woken by INIT-SIPI-SIPI starts in real mode at
// CS = vector << 8, IP = 0. This code enters the kernel's 32-bit boot protocol: flat GDT
// (code 0x10, data 0x18), CR0.PE, far jump into 32-bit code, data segments = 0x18,
// ESI = boot_params, EBP = EDI = EBX = 0, jump to the protected-mode kernel. Interrupts stay
// off (INIT clears IF; cli says so) and paging stays off, as boot.rst requires.
import { hex } from "@tessera/core";
import { LoaderFailure } from "../errors";

/** Offsets inside the page: 16-bit code, 32-bit code, GDT, GDT pointer. */
export const TRAMPOLINE = {
  code16: 0x00,
  code32: 0x1e,
  end32: 0x3e,
  gdt: 0x40,
  gdtr: 0x60,
  bytes: 0x66,
} as const;

export const BOOT_CS = 0x10;
export const BOOT_DS = 0x18;

/** One instruction or datum with the assembly it stands for. */
export interface Chunk {
  at: number;
  bytes: number[];
  asm: string;
}

function u16(v: number): number[] {
  return [v & 0xff, (v >> 8) & 0xff];
}
function u32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/** The page's contents as commented chunks (for the tests and the operator's script). */
export function trampolineChunks(page: bigint, zeroPage: bigint, kernel: bigint): Chunk[] {
  if (page % 0x1000n !== 0n || page >= 0x100000n)
    throw new LoaderFailure(
      "LOADER-LAYOUT",
      `the SIPI page ${hex(page)} must be 4 KiB aligned below 1 MiB`,
    );
  for (const [what, v] of [
    ["zero page", zeroPage],
    ["kernel", kernel],
  ] as const)
    if (v >= 0x1_0000_0000n)
      throw new LoaderFailure(
        "LOADER-LAYOUT",
        `the ${what} at ${hex(v)} is above 4 GiB: the 32-bit entry cannot reach it`,
      );
  const base = Number(page);
  const c: Chunk[] = [];
  let at = 0;
  const put = (bytes: number[], asm: string) => {
    c.push({ at, bytes, asm });
    at += bytes.length;
  };
  // The offsets above are fixed; a mistake in an encoding must not shift them silently.
  const mark = (expected: number, label: string) => {
    if (at !== expected) throw new Error(`trampoline: ${label} at ${at}, expected ${expected}`);
  };
  // --- real mode (16-bit); CS base is the page, DS is not yet defined
  put([0xfa], "cli                      ; interrupts off for the whole way in");
  put([0xfc], "cld                      ; string ops count upwards");
  put([0x8c, 0xc8], "mov ax, cs               ; 8C /r, modrm 11 001(cs) 000(ax)");
  put(
    [0x8e, 0xd8],
    "mov ds, ax               ; DS = CS: the GDT pointer is addressed from this page",
  );
  put(
    [0x66, 0x0f, 0x01, 0x16, ...u16(TRAMPOLINE.gdtr)],
    "lgdt dword [gdtr]        ; 66: 32-bit base; 0F 01 /2, modrm 00 010 110 = disp16",
  );
  put([0x0f, 0x20, 0xc0], "mov eax, cr0             ; 0F 20 /r");
  put([0x66, 0x83, 0xc8, 0x01], "or eax, 1                ; CR0.PE (66: 32-bit operand; 83 /1 ib)");
  put([0x0f, 0x22, 0xc0], "mov cr0, eax             ; protected mode on, paging stays off");
  put(
    [0x66, 0xea, ...u32(base + TRAMPOLINE.code32), ...u16(BOOT_CS)],
    "jmp dword 0x10:code32    ; 66 EA ptr16:32: far jump loads CS = __BOOT_CS",
  );
  mark(TRAMPOLINE.code32, "code32");
  // --- 32-bit protected mode, flat segments
  put([0x66, 0xb8, ...u16(BOOT_DS)], "mov ax, 0x18             ; __BOOT_DS");
  put([0x8e, 0xd8], "mov ds, ax");
  put([0x8e, 0xc0], "mov es, ax");
  put([0x8e, 0xd0], "mov ss, ax");
  put([0x8e, 0xe0], "mov fs, ax");
  put([0x8e, 0xe8], "mov gs, ax");
  put(
    [0xbe, ...u32(Number(zeroPage))],
    "mov esi, zero_page       ; boot_params, as the protocol requires",
  );
  put([0x31, 0xed], "xor ebp, ebp             ; EBP = 0");
  put([0x31, 0xff], "xor edi, edi             ; EDI = 0");
  put([0x31, 0xdb], "xor ebx, ebx             ; EBX = 0");
  put([0xb8, ...u32(Number(kernel))], "mov eax, load_address");
  put(
    [0xff, 0xe0],
    "jmp eax                  ; FF /4: into the protected-mode kernel (startup_32)",
  );
  mark(TRAMPOLINE.end32, "end32");
  put([0x90, 0x90], "nop; nop                 ; padding up to the 8-byte aligned GDT");
  // --- data: GDT (4 entries) and its pointer
  put([0, 0, 0, 0, 0, 0, 0, 0], "gdt[0] null descriptor");
  put([0, 0, 0, 0, 0, 0, 0, 0], "gdt[1] 0x08 unused");
  put(
    [0xff, 0xff, 0x00, 0x00, 0x00, 0x9a, 0xcf, 0x00],
    "gdt[2] 0x10 code: base 0, limit 0xfffff, G=1 D=1, present ring 0 execute/read",
  );
  put(
    [0xff, 0xff, 0x00, 0x00, 0x00, 0x92, 0xcf, 0x00],
    "gdt[3] 0x18 data: base 0, limit 0xfffff, G=1 B=1, present ring 0 read/write",
  );
  put([...u16(4 * 8 - 1), ...u32(base + TRAMPOLINE.gdt)], "gdtr: limit 31, linear base of gdt");
  mark(TRAMPOLINE.bytes, "bytes");
  return c;
}

export function buildTrampoline(page: bigint, zeroPage: bigint, kernel: bigint): Buffer {
  return Buffer.from(trampolineChunks(page, zeroPage, kernel).flatMap((c) => c.bytes));
}
