// The MP table a successor boots with (Intel MultiProcessor Specification 1.4, chapter 4).
// With acpi=off Linux takes its cores from an MP table, and it scans physical 0x0-0x3ff
// before the BIOS areas, so a table at 0x380 naming only the successor's cores is found
// first. No I/O APIC entry (successors run noapic) and the IMCR bit clear (virtual wire
// mode: the successor never writes the IMCR ports OS1 depends on).
import { hex } from "@tessera/core";
import { LoaderFailure } from "../errors";

export const MPF_BYTES = 16;
export const MPC_HEADER_BYTES = 44;
export const MP_PROC_BYTES = 20;
export const MP_BUS_BYTES = 8;
export const LAPIC_BASE = 0xfee00000;
/** An integrated local APIC; Linux only checks it is 0x10 or more. */
export const LAPIC_VERSION = 0x14;
/** Linux looks for the floating pointer in the first KiB; the BIOS data area follows. */
const SCAN_END = 0x400n;

export interface MpTable {
  /** The 16-byte floating pointer, written at `pointerAt`. */
  pointer: Buffer;
  pointerAt: bigint;
  /** The configuration table, written at `configAt`. */
  config: Buffer;
  configAt: bigint;
}

/**
 * cpus: LAPIC IDs, the BSP first. The config table goes 16 bytes after the pointer when it
 * fits below 0x400; a bigger one (more than three cores) goes to `spare`, a page inside the
 * successor's own range, which Linux reserves once it has read the table.
 */
export function buildMpTable(
  pointerAt: bigint,
  cpus: number[],
  bsp: number,
  spare: bigint,
): MpTable {
  if (cpus[0] !== bsp)
    throw new LoaderFailure(
      "LOADER-LAYOUT",
      `the MP table must list the BSP (${bsp}) first, got ${cpus.join(",")}`,
    );
  if (pointerAt % 16n !== 0n)
    throw new LoaderFailure(
      "LOADER-LAYOUT",
      `the MP floating pointer at ${hex(pointerAt)} must be 16-byte aligned`,
    );
  const wide = cpus.filter((c) => c < 0 || c > 254);
  if (wide.length)
    throw new LoaderFailure(
      "LOADER-LAYOUT",
      `LAPIC ID(s) ${wide.join(",")} do not fit the MP table's 8-bit field (0-254): such cores need x2APIC and ACPI, which the direct loader does not drive`,
    );
  const length = MPC_HEADER_BYTES + cpus.length * MP_PROC_BYTES + MP_BUS_BYTES;
  const next = pointerAt + BigInt(MPF_BYTES);
  const configAt = next + BigInt(length) <= SCAN_END ? next : spare;
  if (configAt + BigInt(length) > 0x1_0000_0000n)
    throw new LoaderFailure(
      "LOADER-LAYOUT",
      `the MP config table at ${hex(configAt)} must lie below 4 GiB`,
    );

  const config = Buffer.alloc(length);
  config.write("PCMP", 0, "latin1");
  config.writeUInt16LE(length, 4);
  config.writeUInt8(4, 6); // spec revision 1.4
  config.write("TESSERA ", 8, "latin1"); // OEM ID, 8 bytes
  config.write("DIRECT BOOT ", 16, "latin1"); // product ID, 12 bytes
  config.writeUInt32LE(0, 28); // no OEM table
  config.writeUInt16LE(0, 32);
  config.writeUInt16LE(cpus.length + 1, 34); // entry count
  config.writeUInt32LE(LAPIC_BASE, 36);
  // extended table length, checksum and reserved stay 0
  let at = MPC_HEADER_BYTES;
  for (const id of cpus) {
    config.writeUInt8(0, at); // entry type: processor
    config.writeUInt8(id, at + 1);
    config.writeUInt8(LAPIC_VERSION, at + 2);
    config.writeUInt8(id === bsp ? 0x03 : 0x01, at + 3); // EN, and BP for the BSP
    // CPU signature and feature flags stay 0: Linux takes both from CPUID, not from here.
    at += MP_PROC_BYTES;
  }
  config.writeUInt8(1, at); // entry type: bus
  config.writeUInt8(0, at + 1); // bus ID 0
  config.write("ISA   ", at + 2, "latin1");
  config.writeUInt8(checksum(config), 7);

  const pointer = Buffer.alloc(MPF_BYTES);
  pointer.write("_MP_", 0, "latin1");
  pointer.writeUInt32LE(Number(configAt), 4);
  pointer.writeUInt8(1, 8); // length in 16-byte paragraphs
  pointer.writeUInt8(4, 9); // spec revision 1.4
  pointer.writeUInt8(0, 11); // feature 1: 0 = a configuration table is present
  pointer.writeUInt8(0, 12); // feature 2: IMCRP (bit 7) clear = virtual wire mode
  pointer.writeUInt8(checksum(pointer), 10);
  return { pointer, pointerAt, config, configAt };
}

/** The byte that makes all bytes of `b` (with that byte 0) sum to 0 mod 256. */
export function checksum(b: Uint8Array): number {
  let sum = 0;
  for (const x of b) sum = (sum + x) & 0xff;
  return (0x100 - sum) & 0xff;
}
