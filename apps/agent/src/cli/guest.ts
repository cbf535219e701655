// `tessera guest`: runs inside a successor. It reads its name and per-boot token from the
// kernel command line the agent gave it (tessera.name=, tessera.token=, tessera.controller=),
// reports boot completion, then heartbeats. When the agent asks it to stop it reports
// "stopped" and exits with status 10: the successor's init then halts that instance only
// (the guest does not run processes itself; only packages/kexec spawns).
import { parseArgs, ArgError } from "./args";
import type { CliIo } from "./io";

export const STOP_EXIT = 10;

const HELP = `usage: tessera guest [--controller URL] [options]

Runs inside a successor instance and reports to the agent that started it.

options:
  --controller URL  the agent's address (default: tessera.controller= on the command line)
  --name NAME       this instance (default: tessera.name=)
  --token TOKEN     the per-boot token (default: tessera.token=)
  --cmdline FILE    where to read the command line (default /proc/cmdline)
  --interval MS     heartbeat period (default 5000)
  --once            report boot-complete once and exit

Exit status: 0 after --once, ${STOP_EXIT} when the agent asked for a stop (halt this instance),
1 when the agent refuses the token, 2 on bad usage.`;

export function fromCmdline(cmdline: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tok of cmdline.trim().split(/\s+/)) {
    const m = /^tessera\.(name|token|controller)=(.+)$/.exec(tok);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

async function report(
  url: string,
  token: string,
  name: string,
  event: string,
): Promise<{ status: number; stop: boolean }> {
  const res = await fetch(new URL("/api/guest/report", url), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ name, event }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json().catch(() => ({}))) as { stop?: boolean };
  return { status: res.status, stop: body.stop === true };
}

export async function run(
  args: string[],
  io: CliIo,
  sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
): Promise<number> {
  let p;
  try {
    p = parseArgs(args, {
      values: ["controller", "name", "token", "cmdline", "interval"],
      flags: ["once"],
    });
  } catch (err) {
    if (err instanceof ArgError) return (io.err(`tessera guest: ${err.message}\n\n${HELP}`), 2);
    throw err;
  }
  if (p.flags.has("help")) return (io.out(HELP), 0);
  const fromKernel = fromCmdline(
    await io.readFile(p.values.cmdline ?? "/proc/cmdline").catch(() => ""),
  );
  const controller = p.values.controller ?? fromKernel.controller;
  const name = p.values.name ?? fromKernel.name;
  const token = p.values.token ?? fromKernel.token;
  if (!controller || !name || !token) {
    io.err(
      "tessera guest: needs the controller URL, the instance name and its token (tessera.controller=, tessera.name=, tessera.token= on the command line, or the options)",
    );
    return 2;
  }
  const interval = Number(p.values.interval ?? 5000);
  if (!Number.isFinite(interval) || interval < 10)
    return (io.err("tessera guest: --interval must be at least 10 ms"), 2);
  let event = "boot-complete";
  for (;;) {
    let r;
    try {
      r = await report(controller, token, name, event);
    } catch (err) {
      io.err(
        `tessera guest: cannot reach ${controller} (${err instanceof Error ? err.message : String(err)}); retrying`,
      );
      await sleep(interval);
      continue;
    }
    if (r.status === 401)
      return (io.err(`tessera guest: the agent refused this instance's token`), 1);
    if (r.status >= 400) io.err(`tessera guest: the agent answered ${r.status}`);
    else if (event === "boot-complete")
      io.out(`tessera guest: reported boot of ${name} to ${controller}`);
    if (r.stop) {
      await report(controller, token, name, "stopped").catch(() => undefined);
      io.out(`tessera guest: the agent asks ${name} to stop`);
      return STOP_EXIT;
    }
    if (p.flags.has("once") && r.status < 400) return 0;
    if (r.status < 400) event = "heartbeat";
    await sleep(interval);
  }
}
