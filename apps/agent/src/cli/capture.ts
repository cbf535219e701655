// tessera capture -o FILE.tar.gz [--root DIR]: pack exactly the files discovery reads, so
// `tessera discover --root` on the unpacked tree gives the same machine. On a target without
// Node.js, scripts/capture.sh does the same with busybox.
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ArgError, parseArgs } from "./args";
import type { CliIo } from "./io";
import { captureMachine } from "../capture/index";

const HELP = `usage: tessera capture -o FILE.tar.gz [--root DIR]

Packs the files discovery reads (/proc and /sys entries, symlinks as symlinks) into a
gzip'd tar. Unpack it anywhere and run \`tessera discover --root DIR\` there.
Run it as root: without root /proc/iomem hides its addresses and PCI config space stops
at 64 bytes.

  -o, --output FILE   the archive to write ("-" is not supported: binary to a terminal)
  --root DIR          capture an already captured tree instead of this host`;

export async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(args, { values: ["output", "root"] });
  } catch (err) {
    io.err(`tessera capture: ${(err as ArgError).message}\n\n${HELP}`);
    return 2;
  }
  if (parsed.flags.has("help")) {
    io.out(HELP);
    return 0;
  }
  const out = parsed.values.output;
  if (!out || out === "-" || parsed.positional.length) {
    io.err(
      `tessera capture: ${out ? (out === "-" ? "-o - is not supported" : `unexpected argument ${JSON.stringify(parsed.positional[0])}`) : "-o FILE.tar.gz is required"}\n\n${HELP}`,
    );
    return 2;
  }
  const { archive, files, problems } = await captureMachine({ root: parsed.values.root ?? "/" });
  const dest = resolve(io.cwd, out);
  try {
    await writeFile(dest, archive);
  } catch (err) {
    io.err(
      `tessera capture: cannot write ${dest}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
    return 2;
  }
  io.out(`tessera capture: wrote ${dest} (${files.length} paths, ${archive.length} bytes)`);
  if (problems.length)
    io.err(
      `${problems.length} problem(s) while reading:\n` +
        problems.map((p) => `  ${p.path}: ${p.message}`).join("\n"),
    );
  return problems.length ? 1 : 0;
}
