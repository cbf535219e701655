// The common ACPI table header (ACPI 6.5 §5.2.6): signature, length, checksum. A table copied
// by hand, cut by a transfer or read through a tool that stops early must not be half-read as
// if the firmware had listed fewer cores: every parser checks here first.
export type AcpiTableCheck = { ok: true; length: number } | { ok: false; message: string };

/**
 * Checks that `buf` holds the whole table its header declares and that its bytes sum to zero.
 * `what` names the table in messages ("MADT (APIC)"); `minLength` is the table's fixed header.
 */
export function checkAcpiTable(
  buf: Uint8Array,
  signature: string,
  what: string,
  minLength: number,
): AcpiTableCheck {
  if (buf.length < minLength)
    return {
      ok: false,
      message: `${what} truncated: only ${buf.length} bytes, its header alone is ${minLength}`,
    };
  const sig = String.fromCharCode(buf[0]!, buf[1]!, buf[2]!, buf[3]!);
  if (sig !== signature)
    return {
      ok: false,
      message: `${what}: signature is ${JSON.stringify(sig)}, expected ${JSON.stringify(signature)}`,
    };
  const length = (buf[4]! | (buf[5]! << 8) | (buf[6]! << 16) | (buf[7]! << 24)) >>> 0;
  if (length < minLength)
    return {
      ok: false,
      message: `${what}: its header declares ${length} bytes, less than ${minLength}`,
    };
  if (buf.length < length)
    return {
      ok: false,
      message: `${what} truncated: its header declares ${length} bytes, the file has ${buf.length}`,
    };
  let sum = 0;
  for (let i = 0; i < length; i++) sum = (sum + buf[i]!) & 0xff;
  if (sum !== 0)
    return {
      ok: false,
      message: `${what}: checksum mismatch (its ${length} bytes sum to 0x${sum.toString(16).padStart(2, "0")}, not 0): the table is corrupt`,
    };
  return { ok: true, length };
}
