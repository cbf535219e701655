// POSIX sh quoting, for the scripts and command lines Tessera shows an operator to read and
// run by hand (the exported plan script, the console's boot preview). Plain words stay
// readable; anything else is single-quoted, with an embedded single quote written as '\''.
//
// "Plain" is deliberately narrower than what POSIX sh leaves alone: such a line gets pasted
// into whatever shell the operator has open. `^` is a pipe in the Bourne shell and a glob
// operator in zsh (extendedglob), `%` starts a job spec, and a word starting with `=` is a
// command path in zsh; quoting them costs nothing and means the same in every shell.
const SAFE = /^[A-Za-z0-9_./:,+@-][A-Za-z0-9_./=:,+@-]*$/;

export function shQuote(arg: string): string {
  if (SAFE.test(arg)) return arg;
  return "'" + arg.replace(/'/g, "'\\''") + "'";
}

/** An argv as one line of sh: each argument quoted where needed, joined by spaces. */
export function shLine(argv: readonly string[]): string {
  return argv.map(shQuote).join(" ");
}
