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

/**
 * Escapes a command line for a GRUB `linux` line. GRUB script expands `$`, strips quotes
 * and splits commands at `;` and `|`; a backslash keeps each of them literal, so the kernel
 * receives exactly the planned line.
 */
export function grubEscape(text: string): string {
  return text.replace(/[\\$"'`;|&<>]/g, (c) => "\\" + c);
}
