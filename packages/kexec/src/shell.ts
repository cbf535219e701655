// POSIX sh quoting for the exported script. Plain words stay readable; anything else is
// single-quoted, with embedded single quotes written as '\''.
const SAFE = /^[A-Za-z0-9_./=:,+@%^-]+$/;

export function shQuote(arg: string): string {
  if (arg.length > 0 && SAFE.test(arg)) return arg;
  return "'" + arg.replace(/'/g, "'\\''") + "'";
}

export function shLine(argv: readonly string[]): string {
  return argv.map(shQuote).join(" ");
}
