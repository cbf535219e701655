// Kernel command lines: split them as the kernel does (spaces, double quotes) and find the
// options Tessera owns.

/** Default command line buffer of x86 kernels when the image header is not known. */
export const DEFAULT_CMDLINE_SIZE = 2048;
export const DEFAULT_OWNERSHIP_OPTION = "tessera.devices";

/** Options Tessera writes itself: a user value would contradict the plan. */
export const RESERVED_OPTIONS = [
  "mem",
  "maxcpus",
  "nr_cpus",
  "memmap",
  "kaslr",
  "nokaslr",
  "tessera.token",
  // The direct loader's guest script finds its mailbox page by this option.
  "tessera.mailbox",
] as const;

export interface CmdlineToken {
  text: string;
  key: string;
}

/** Splits like the kernel's next_arg(): whitespace separates, double quotes group. */
export function splitCmdline(cmdline: string): CmdlineToken[] {
  const out: CmdlineToken[] = [];
  let i = 0;
  const s = cmdline;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
    if (i >= s.length) break;
    let j = i;
    let quoted = false;
    while (j < s.length && (quoted || !/\s/.test(s[j]!))) {
      if (s[j] === '"') quoted = !quoted;
      j++;
    }
    const text = s.slice(i, j);
    const eq = text.indexOf("=");
    const key = (eq === -1 ? text : text.slice(0, eq)).replace(/"/g, "").replace(/-/g, "_");
    out.push({ text, key });
    i = j;
  }
  return out;
}

/** The reserved options a user command line sets, as written. */
export function reservedIn(cmdline: string, ownershipOption: string): CmdlineToken[] {
  const reserved = new Set<string>([...RESERVED_OPTIONS, ownershipOption.replace(/-/g, "_")]);
  return splitCmdline(cmdline).filter((t) => reserved.has(t.key));
}

/** Joins options into one command line (what the kernel receives). */
export function joinCmdline(parts: (string | undefined | null)[]): string {
  return parts
    .map((p) => (p ?? "").trim())
    .filter((p) => p !== "")
    .join(" ");
}

// C0 controls (NUL, tab, newline, CR …) and DEL: no kernel option, name or path needs one,
// and in a boot entry a newline ends a command.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

const CONTROL_NAMES: Record<number, string> = {
  0: "a NUL",
  9: "a tab",
  10: "a newline",
  13: "a carriage return",
};

/**
 * The first control character in `text` (C0 or DEL): its position, its code point as
 * U+XXXX and words for it ("a newline (U+000A)"); null when there is none.
 */
export function controlCharIn(
  text: string,
): { index: number; codePoint: string; words: string } | null {
  const m = CONTROL.exec(text);
  if (!m) return null;
  const code = m[0].charCodeAt(0);
  const codePoint = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  const name = CONTROL_NAMES[code];
  return {
    index: m.index,
    codePoint,
    words: name ? `${name} (${codePoint})` : `control character ${codePoint}`,
  };
}

/**
 * Quotes one word for GRUB script. Inside single quotes GRUB gives no character a meaning
 * ($, ;, |, {, }, #, spaces, double quotes stay literal), so profile text can end neither the
 * word, the command nor the block; a single quote itself is closed, escaped and reopened.
 * Control characters have no safe form in a GRUB file (a NUL breaks it): the validator
 * refuses them (PROFILE-CONTROL-CHAR) before a plan exists, so meeting one here is a bug.
 */
export function grubQuote(word: string): string {
  const bad = controlCharIn(word);
  if (bad)
    throw new RangeError(
      `GRUB word with control character ${bad.codePoint}: ${JSON.stringify(word)}`,
    );
  return `'${word.replace(/'/g, "'\\''")}'`;
}

/**
 * A command line as GRUB words: split at spaces, each word quoted. GRUB's `linux` joins its
 * arguments with single spaces, so the kernel receives the planned line. (Only spaces split:
 * a tab or newline reaches grubQuote, which refuses it.)
 */
export function grubWords(cmdline: string): string {
  return cmdline
    .split(" ")
    .filter((w) => w !== "")
    .map(grubQuote)
    .join(" ");
}
