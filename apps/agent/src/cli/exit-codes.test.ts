// A user's input problem exits 1 or 2 with words, never 70 ("internal error", kept for real
// bugs): every command, fed the wrong files, kinds of file and arguments.
// eslint-disable-next-line no-restricted-imports -- mkfifo(1) makes a real FIFO
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "./main";
import { memoryIo } from "./io";
import { EXAMPLE_MACHINE } from "../../test/integration/helpers";

let dir: string;
const noKernels = JSON.stringify({
  schema: "tessera/profile@1",
  name: "no-kernels",
  instances: [
    { name: "os1", cpus: [0, 1, 2, 3], memory: [{ start: "0x0", size: "4G" }] },
    { name: "os2", cpus: [4, 5, 6, 7], memory: [{ start: "0x100000000", size: "8G" }] },
  ],
});

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tessera-cli-"));
  writeFileSync(join(dir, "no-kernels.json"), noKernels);
  writeFileSync(join(dir, "text.txt"), "just some text\n".repeat(50));
  writeFileSync(join(dir, "broken.json"), '{"schema": ');
  writeFileSync(join(dir, "array.json"), "[1, 2, 3]");
  mkdirSync(join(dir, "a-dir"));
  execFileSync("mkfifo", [join(dir, "fifo")]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const p = (name: string) => join(dir, name);

// Each: the arguments, and a word the message must contain.
const CASES: [string[], string][] = [
  [["plan", "--machine", EXAMPLE_MACHINE, "--profile", "NK", "--format", "sh"], "no kernel"],
  [["plan", "--machine", EXAMPLE_MACHINE, "--profile", "BROKEN"], "broken.json"],
  [["plan", "--machine", "ADIR", "--profile", "NK"], "a-dir"],
  [["plan", "--machine", EXAMPLE_MACHINE, "--profile", "ARRAY"], "array.json"],
  [["validate", "--machine", "TEXT", "--profile", "NK"], "text.txt"],
  [["validate", "--machine", EXAMPLE_MACHINE, "--profile", "MISSING"], "missing.json"],
  [["validate", "--machine", EXAMPLE_MACHINE, "--profile", "FIFO"], "fifo"],
  [["inspect-kernel", "TEXT"], "text.txt"],
  [["inspect-kernel", "ADIR"], "a-dir"],
  [["inspect-kernel", "MISSING"], "missing.json"],
  [["inspect-kernel", "FIFO"], "fifo"],
  [["import", "--dmesg", "MISSING"], "missing.json"],
  [["import", "--dmesg", "ADIR"], "a-dir"],
  [["discover", "--root", "MISSING"], "missing.json"],
  [["user", "add", "x", "--role", "emperor", "--data-dir", "DATA"], "--role"],
  [["user", "frobnicate", "--data-dir", "DATA"], "frobnicate"],
  [["guest", "--bogus"], "bogus"],
  [["capture", "-o", "ADIR/x/y/z.tar.gz", "--root", "MISSING"], "cannot write"],
];

const fill = (a: string) =>
  ({
    NK: p("no-kernels.json"),
    BROKEN: p("broken.json"),
    ADIR: p("a-dir"),
    ARRAY: p("array.json"),
    TEXT: p("text.txt"),
    MISSING: p("missing.json"),
    FIFO: p("fifo"),
    DATA: p("data"),
  })[a] ?? a.replace("ADIR", p("a-dir"));

describe("exit codes for input problems", () => {
  it.each(CASES)("tessera %j exits 1 or 2 and names %s", async (args, word) => {
    const io = memoryIo();
    const code = await Promise.race([
      main(args.map(fill), io),
      new Promise<number>((r) => setTimeout(() => r(-1), 5000)),
    ]);
    // What the user reads: inspect-kernel prints a readable file's verdict on stdout.
    const err = [...io.stderr, ...io.stdout].join("\n");
    expect(code, err).toBeGreaterThanOrEqual(1);
    expect(code, err).toBeLessThanOrEqual(2);
    expect(err).not.toContain("internal error");
    expect(err).toContain(word);
  });
});
