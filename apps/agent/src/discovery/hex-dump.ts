// `lspci -xxx`-style hex dumps of config space and ACPI tables: text only, no file access, so
// the text importer can read them without loading the tree reader.

export type HexDumpResult = { ok: true; bytes: Buffer } | { ok: false; message: string };

/** Reads an `lspci -xxx` style dump: "OFF: b0 b1 ... b15" lines, offsets in hex. */
export function parseHexDump(text: string): HexDumpResult {
  // Decoded by hand, not by regex and split: an lspci file can hold thousands of these lines.
  const out = Buffer.alloc(text.length >> 1);
  let n = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    const bad = () => ({
      ok: false as const,
      message: `line ${i + 1}: expected "OFFSET: hex bytes", got ${JSON.stringify(line.slice(0, 60))}`,
    });
    const colon = line.indexOf(":");
    if (colon < 1) return bad();
    const offText = line.slice(0, colon);
    const offset = hexValue(offText);
    if (offset < 0) return bad();
    if (offset !== n)
      return {
        ok: false,
        message: `line ${i + 1}: offset 0x${offText} does not follow 0x${n.toString(16)}`,
      };
    let j = colon + 1;
    let any = false;
    while (j < line.length) {
      const c = line.charCodeAt(j);
      if (c === 32 || c === 9) {
        j++;
        continue;
      }
      const hi = hexDigit(c);
      const lo = hexDigit(line.charCodeAt(j + 1));
      if (hi < 0 || lo < 0) return bad();
      out[n++] = (hi << 4) | lo;
      any = true;
      j += 2;
    }
    if (!any) return bad();
  }
  return { ok: true, bytes: out.subarray(0, n) };
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function hexValue(t: string): number {
  let v = 0;
  for (let k = 0; k < t.length; k++) {
    const d = hexDigit(t.charCodeAt(k));
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return t.length ? v : -1;
}
