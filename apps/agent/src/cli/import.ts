// tessera import --dmesg F [--lspci F] [--cpuinfo F] [--interrupts F] [--json]: build a
// machine from text an operator already has. Gaps are listed as unknown, never filled in.
import { machineToJson } from "@tessera/core";
import { ArgError, parseArgs } from "./args";
import type { CliIo } from "./io";
import { summary } from "./discover";
import { importMachine, splitBoots, type ImportInput } from "../importer/index";

const HELP = `usage: tessera import [--dmesg FILE [--boot N]] [--lspci FILE] [--cpuinfo FILE] [--interrupts FILE] [--json]

Builds a tessera/machine@1 from text you already have:
  --dmesg FILE       a boot log: BIOS-e820 lines (memory map; the "user-defined physical RAM
                     map" instead when memmap= made one), ACPI LAPIC and SRAT lines, serial
                     ports, i8042, boot VGA, early memory node ranges
  --boot N           a log holding several boots ("Linux version" banners, e.g. a kernel and
                     its kdump kernel): read boot N (1 = the first); default the last
  --lspci FILE       lspci output: -vvv, -nn, -xxx, or several outputs one after another
                     (merged by address); MSI/MSI-X, interrupt pin and IRQ
  --cpuinfo FILE     /proc/cpuinfo (LAPIC IDs, packages, cores)
  --interrupts FILE  /proc/interrupts (which IRQs are I/O APIC lines)
  --json             print the JSON (default: a summary)
  --no-pci-ids       do not use pci.ids for names or name-only lspci text

Exit 0 ok, 1 when some lines were malformed or outputs disagree (each listed with file and
line; the machine is still built from the rest), 2 when no input was given, a file cannot
be read or --boot names a boot the log does not hold.`;

const KEYS: (keyof ImportInput)[] = ["dmesg", "lspci", "cpuinfo", "interrupts"];

export async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(args, { values: [...KEYS, "boot"], flags: ["json", "no-pci-ids"] });
  } catch (err) {
    io.err(`tessera import: ${(err as ArgError).message}\n\n${HELP}`);
    return 2;
  }
  if (parsed.flags.has("help")) {
    io.out(HELP);
    return 0;
  }
  if (parsed.positional.length || !KEYS.some((k) => parsed.values[k] !== undefined)) {
    io.err(
      `tessera import: ${parsed.positional.length ? `unexpected argument ${JSON.stringify(parsed.positional[0])}` : "give at least one of --dmesg, --lspci, --cpuinfo, --interrupts"}\n\n${HELP}`,
    );
    return 2;
  }
  const input: ImportInput = {};
  const names: Partial<Record<keyof ImportInput, string>> = {};
  for (const k of KEYS) {
    const file = parsed.values[k];
    if (file === undefined) continue;
    try {
      input[k] = await io.readFile(file);
    } catch (err) {
      io.err(
        `tessera import: cannot read --${k} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
      return 2;
    }
    names[k] = file;
  }
  let boot: number | undefined;
  if (parsed.values.boot !== undefined) {
    const n = /^[1-9]\d*$/.test(parsed.values.boot) ? Number(parsed.values.boot) : NaN;
    const boots = input.dmesg === undefined ? 0 : splitBoots(input.dmesg.split("\n")).length;
    if (input.dmesg === undefined || !(n <= boots)) {
      io.err(
        `tessera import: --boot ${parsed.values.boot}: ${input.dmesg === undefined ? "needs --dmesg" : `expected a number from 1 to ${boots} (${names.dmesg} holds ${boots} boot(s))`}`,
      );
      return 2;
    }
    boot = n;
  }
  const { machine, problems, notes } = await importMachine(input, {
    names,
    pciIds: parsed.flags.has("no-pci-ids") ? null : undefined,
    boot,
  });
  io.out(
    parsed.flags.has("json") ? JSON.stringify(machineToJson(machine), null, 2) : summary(machine),
  );
  for (const n of notes) io.err(`note: ${n}`);
  if (problems.length)
    io.err(
      `${problems.length} problem(s):\n` +
        problems.map((p) => `  ${p.path}: ${p.message}`).join("\n"),
    );
  return problems.length ? 1 : 0;
}
