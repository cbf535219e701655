// `tessera serve`: run the agent and the web console.
import { parseArgs, ArgError } from "./args";
import type { CliIo } from "./io";
import { ConfigError, loadConfig, OPTIONS } from "../config";

function help(): string {
  const rows = [
    ["--config FILE", "a JSON file of options (keys as below in camelCase); env TESSERA_CONFIG"],
    ...OPTIONS.map((o) => [
      o.kind === "bool" ? `--${o.flag}` : `--${o.flag} VALUE`,
      `${o.help} [${o.env}]`,
    ]),
  ];
  const width = Math.max(...rows.map((r) => r[0]!.length));
  return [
    "usage: tessera serve [options]",
    "",
    "Runs the Tessera agent: the HTTP API, the live WebSocket and the built web console.",
    "By default it discovers this host, uses the dry-run loader, keeps its data under",
    "apps/agent/tessera-data (wherever it is run from; every command uses the same) and",
    "listens on 127.0.0.1:7443. Precedence: flags > environment > file.",
    "On first start it creates the user admin and prints a one-time password, which",
    "the first sign-in replaces (or takes the password from TESSERA_ADMIN_PASSWORD).",
    "",
    "options:",
    ...rows.map(([a, b]) => `  ${a!.padEnd(width)}  ${b}`),
  ].join("\n");
}

export async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(args, {
      values: [
        "config",
        ...OPTIONS.filter(
          (o) => o.key !== "allowedOrigins" && o.key !== "kernelDirs" && o.kind !== "bool",
        ).map((o) => o.flag),
      ],
      flags: OPTIONS.filter((o) => o.kind === "bool").map((o) => o.flag),
      repeat: ["allowed-origin", "kernel-dir"],
    });
  } catch (err) {
    if (err instanceof ArgError) {
      io.err(`tessera serve: ${err.message}\n\n${help()}`);
      return 2;
    }
    throw err;
  }
  if (parsed.flags.has("help")) {
    io.out(help());
    return 0;
  }
  if (parsed.positional.length) {
    io.err(`tessera serve: unexpected argument ${JSON.stringify(parsed.positional[0])}`);
    return 2;
  }
  const flags: Record<string, string | string[]> = { ...parsed.values, ...parsed.repeated };
  for (const o of OPTIONS)
    if (o.kind === "bool" && parsed.flags.has(o.flag)) flags[o.flag] = "true";
  let cfg;
  try {
    cfg = await loadConfig({ flags, env: io.env, cwd: io.cwd });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`tessera serve: ${err.message}`);
      return 2;
    }
    throw err;
  }
  // The server (Fastify, SQLite, the loaders) loads only now: --help and a bad option
  // answer without it.
  const [{ StartError, startServer }, { DatabaseError }] = await Promise.all([
    import("../server"),
    import("../db/database"),
  ]);
  let started;
  try {
    started = await startServer(cfg, io);
  } catch (err) {
    if (err instanceof StartError || err instanceof DatabaseError) {
      io.err(`tessera serve: ${err.message}`);
      return 1;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL") {
      io.err(`tessera serve: cannot listen on ${cfg.host}:${cfg.port} (${code}).`);
      return 1;
    }
    throw err;
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  io.out("Stopping the agent (running instances keep running).");
  await started.app.close();
  return 0;
}
