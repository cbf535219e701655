// TreeReader's failed reads: every kind still becomes the same problem (or none, for a
// missing optional file), and the stack-trace limit it lowers for them comes back.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TreeReader } from "./tree-reader";

const root = mkdtempSync(join(tmpdir(), "tessera-tree-reader-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, "sys/dir"), { recursive: true });
writeFileSync(join(root, "sys/file"), "42\n");
symlinkSync("../sys/file", join(root, "sys/link"));

describe("TreeReader failed reads", () => {
  it("reports them by path and code, and restores Error.stackTraceLimit", async () => {
    const limit = Error.stackTraceLimit;
    const r = new TreeReader(root);
    expect(await r.line("/sys/missing")).toBeNull();
    expect(await r.line("/sys/missing-required", true)).toBeNull();
    expect(await r.text("/sys/dir")).toBeNull();
    expect(await r.list("/sys/nowhere")).toBeNull();
    expect(await r.link("/sys/gone")).toBeNull();
    expect(await r.readAt("/sys/absent", 0, 4)).toBeNull();
    expect(await r.drain("/sys/none")).toBeNull();
    expect(r.problems).toEqual([
      { path: "/sys/missing-required", message: "missing" },
      { path: "/sys/dir", message: "is a directory, expected a file" },
    ]);
    expect(Error.stackTraceLimit).toBe(limit);
    // Reads that work are untouched.
    expect(await r.line("/sys/file")).toBe("42");
    expect(await r.link("/sys/link")).toBe("../sys/file");
    expect(await r.list("/sys")).toEqual(["dir", "file", "link"]);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it("keeps the stack-trace limit when a read throws something else", async () => {
    const limit = Error.stackTraceLimit;
    const r = new TreeReader(root);
    // A NUL in a path is refused before any system call (ERR_INVALID_ARG_VALUE).
    expect(await r.text("/sys/bad\0name")).toBeNull();
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.path).toBe("/sys/bad\0name");
    expect(Error.stackTraceLimit).toBe(limit);
  });
});
