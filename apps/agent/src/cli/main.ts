// The tessera command line. Each subcommand lives in its own file beside this one and
// exports `run(args, io)`; main only dispatches, so commands load lazily and stay small.
import { type CliIo, processIo } from "./io";

interface CommandEntry {
  summary: string;
  load: () => Promise<{ run: (args: string[], io: CliIo) => Promise<number> }>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  validate: {
    summary: "check a profile against a machine (exit 0 ok, 1 errors, 2 bad input)",
    load: () => import("./validate"),
  },
  plan: {
    summary: "turn a valid profile into a boot plan (--format json|sh|grub)",
    load: () => import("./plan"),
  },
  discover: {
    summary: "read this machine (or a captured tree with --root) as tessera/machine@1",
    load: () => import("./discover"),
  },
  capture: {
    summary: "pack the files discovery reads into a .tar.gz (-o FILE)",
    load: () => import("./capture"),
  },
  import: {
    summary: "build a machine from dmesg / lspci / cpuinfo / interrupts text",
    load: () => import("./import"),
  },
  "inspect-kernel": {
    summary: "read a bzImage's boot protocol header",
    load: () => import("./inspect-kernel"),
  },
  serve: { summary: "run the agent and the web console", load: () => import("./serve") },
  user: {
    summary: "manage console users (add, passwd, remove, list)",
    load: () => import("./user"),
  },
  guest: {
    summary: "run inside a successor: report to the agent and obey stop requests",
    load: () => import("./guest"),
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`,
  );
  return [
    "usage: tessera <command> [options]",
    "",
    "commands:",
    ...lines,
    "",
    "tessera <command> --help for its options.",
  ].join("\n");
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.out(usage());
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.err(`tessera: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  try {
    const mod = await entry.load();
    return await mod.run(rest, io);
  } catch (err) {
    // A damaged database is the machine's problem, not a bug: its message says what to do.
    // (Matched by name: main stays free of the SQLite module until a command needs it.)
    if (err instanceof Error && err.name === "DatabaseError") {
      io.err(`tessera ${name}: ${err.message}`);
      return 1;
    }
    // A bug, not bad input: keep the detail for whoever debugs it, but say it plainly.
    io.err(`tessera ${name}: internal error: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.TESSERA_DEBUG) io.err(err instanceof Error ? (err.stack ?? "") : "");
    return 70;
  }
}
