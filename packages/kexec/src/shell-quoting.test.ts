// Core's shell quoting (shQuote, shLine), proven by real shells: whatever an argument holds,
// /bin/sh and bash read the quoted line back as exactly the arguments it was made from.
// Here, not in core, because only this package may spawn a process.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { shLine, shQuote } from "@tessera/core";

/** What a real shell makes of a quoted line: the argv it would pass. */
function words(shell: string, line: string): string[] {
  const out = execFileSync(shell, ["-c", `for a in ${line}; do printf '%s\\0' "$a"; done`], {
    encoding: "utf8",
  });
  return out === "" ? [] : out.slice(0, -1).split("\0");
}

const NASTY = [
  "plain",
  "",
  "a b",
  "it's",
  "$HOME",
  "memmap=64K$0x80000",
  "`id`",
  "$(id)",
  'a"b',
  "x;y|z&",
  "*",
  "~",
  "tab\there",
  "back\\slash",
  "!",
  "é",
  "50%",
  "%1",
  "a^b",
  "^old^new",
  "=ls",
  "--mem-min=0x40000000",
  "console=ttyS0,115200",
];
// Every printable ASCII character alone, and all of them in one argument.
const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));

describe("shell quoting", () => {
  for (const shell of ["/bin/sh", "/bin/bash"]) {
    it.skipIf(!existsSync(shell))(`${shell} reads back every argument unchanged`, () => {
      expect(words(shell, shLine(NASTY))).toEqual(NASTY);
      expect(words(shell, shLine(ASCII))).toEqual(ASCII);
      expect(words(shell, shLine([ASCII.join("")]))).toEqual([ASCII.join("")]);
    });
  }

  it("leaves plain words readable and quotes the rest", () => {
    expect(shQuote("--mem-min=0x40000000")).toBe("--mem-min=0x40000000");
    expect(shQuote("console=ttyS0,115200")).toBe("console=ttyS0,115200");
    expect(shQuote("memmap=64K$0x80000")).toBe("'memmap=64K$0x80000'");
    expect(shQuote("it's")).toBe("'it'\\''s'");
  });

  it("quotes %, ^ and a leading = (special in shells an operator may paste into)", () => {
    expect(["50%", "a^b", "=ls", "a=b"].map(shQuote)).toEqual(["'50%'", "'a^b'", "'=ls'", "a=b"]);
  });
});
