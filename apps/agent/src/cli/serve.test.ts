import { describe, expect, it } from "vitest";
import { memoryIo } from "./io";
import { run } from "./serve";
import { OPTIONS } from "../config";

describe("tessera serve", () => {
  it("lists every option with its environment variable in --help", async () => {
    const io = memoryIo();
    expect(await run(["--help"], io)).toBe(0);
    const text = io.stdout.join("\n");
    for (const o of OPTIONS) {
      expect(text).toContain(`--${o.flag}`);
      expect(text).toContain(o.env);
    }
  });

  it("refuses unknown options and bad values with exit 2", async () => {
    const io = memoryIo();
    expect(await run(["--prot", "1"], io)).toBe(2);
    expect(io.stderr.join("")).toMatch(/unknown option --prot/);
    const io2 = memoryIo();
    expect(await run(["--port", "x"], io2)).toBe(2);
    expect(io2.stderr.join("")).toMatch(/--port: expected a whole number/);
  });

  it("says how to proceed when the machine file is missing", async () => {
    const io = memoryIo();
    expect(await run(["--machine", "/nonexistent/machine.json", "--port", "0"], io)).toBe(1);
    expect(io.stderr.join("")).toMatch(/machine.json: cannot be read/);
  });
});
