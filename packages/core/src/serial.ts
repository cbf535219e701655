// Serial ports by name and by port, and the ones a command line sends a console to. The
// direct loader gives each successor a console on a port it owns; the validator keeps
// successors off the port (and the ISA line) OS1's console uses.
import type { Machine } from "./model";
import { splitCmdline } from "./cmdline";

/** The standard PC serial ports, as Linux names them. */
const STANDARD_TTYS: ReadonlyMap<number, string> = new Map([
  [0x3f8, "ttyS0"],
  [0x2f8, "ttyS1"],
  [0x3e8, "ttyS2"],
  [0x2e8, "ttyS3"],
]);

/** Linux's name of the serial port at `port`: the standard four, else what discovery named it. */
export function serialTty(m: Machine, port: number): string | null {
  const std = STANDARD_TTYS.get(port);
  if (std) return std;
  const d = m.devices.find((x) => x.bus === "legacy" && x.kind === "serial" && x.ioPort === port);
  const name = d?.bus === "legacy" ? d.name : null;
  return name && /^ttyS[0-9]+$/.test(name) ? name : null;
}

/** The port behind a ttySn name on this machine, null when nothing says. */
export function serialPort(m: Machine, tty: string): number | null {
  for (const [port, name] of STANDARD_TTYS) if (name === tty) return port;
  for (const d of m.devices)
    if (d.bus === "legacy" && d.kind === "serial" && d.name === tty && d.ioPort) return d.ioPort;
  return null;
}

export interface ConsolePort {
  port: number;
  /** The option that names it, as written ("console=ttyS0,115200"). */
  option: string;
}

/**
 * The serial ports a command line writes a console to: console=ttySn, console= and earlycon=
 * uart[8250],io,ADDR, earlyprintk=serial[,ttySn|,ADDR] and earlyprintk=ttySn. A tty this
 * machine has no port for is left out (nothing to compare with).
 */
export function consolePorts(m: Machine, cmdline: string): ConsolePort[] {
  if (!/console|earlycon|earlyprintk/.test(cmdline)) return [];
  const out: ConsolePort[] = [];
  for (const t of splitCmdline(cmdline)) {
    // Everything after "--" goes to init, not to the kernel.
    if (t.text === "--") break;
    if (t.key !== "console" && t.key !== "earlycon" && t.key !== "earlyprintk") continue;
    const args = t.text
      .slice(t.text.indexOf("=") + 1)
      .replace(/"/g, "")
      .split(",");
    const port = t.key === "earlyprintk" ? earlyPort(m, args) : consolePort(m, args);
    if (port !== null && !out.some((c) => c.port === port)) out.push({ port, option: t.text });
  }
  return out;
}

function consolePort(m: Machine, args: string[]): number | null {
  if (/^ttyS[0-9]+$/.test(args[0]!)) return serialPort(m, args[0]!);
  if (/^uart(8250)?$/.test(args[0]!) && args[1] === "io" && /^0x[0-9a-f]+$/i.test(args[2] ?? ""))
    return Number.parseInt(args[2]!, 16);
  return null;
}

/** x86's early parser: serial[,ttySn|,PORT] or ttySn; it knows ttyS0 and ttyS1 only, and
 * writes anything else to ttyS0. */
function earlyPort(m: Machine, args: string[]): number | null {
  let a: string;
  if (args[0] === "serial") a = args[1] ?? "ttyS0";
  else if (args[0]!.startsWith("ttyS")) a = args[0]!;
  else return null;
  if (/^0x[0-9a-f]+$/i.test(a)) return Number.parseInt(a, 16);
  return serialPort(m, a === "ttyS1" ? "ttyS1" : "ttyS0");
}
