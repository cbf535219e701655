import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCommand } from "./run-command";

describe("runCommand", () => {
  it("returns the exit code and the output of a real command, without a shell", async () => {
    const r = await runCommand(["sh", "-c", "echo out; echo err >&2; exit 3"]);
    expect(r).toEqual({ code: 3, stdout: "out\n", stderr: "err\n" });
    const literal = await runCommand(["echo", "$HOME; rm -rf /"]);
    expect(literal.stdout).toBe("$HOME; rm -rf /\n");
  });
  it("answers 127 for a missing binary and 126 for one that cannot run", async () => {
    expect(await runCommand(["/nonexistent/grub-script-check"])).toMatchObject({
      code: 127,
      stderr: "/nonexistent/grub-script-check: command not found",
    });
    const plain = join(mkdtempSync(join(tmpdir(), "tessera-run-")), "not-executable");
    writeFileSync(plain, "#!/bin/sh\necho hi\n", { mode: 0o644 });
    expect(await runCommand([plain])).toMatchObject({
      code: 126,
      stderr: `${plain}: permission denied`,
    });
  });
  it("kills a command at its time limit and says so", async () => {
    const t0 = Date.now();
    const r = await runCommand(["sleep", "30"], { timeoutMs: 200 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r).toMatchObject({ code: null, stderr: "sleep timed out after 200 ms" });
  });
  it("stops on cancel", async () => {
    const ac = new AbortController();
    const p = runCommand(["sleep", "30"], { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    expect(await p).toMatchObject({ code: null, stderr: "sleep was cancelled" });
  });
});
