// The error registry and README.md's table must list the same codes.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LOADER_ERRORS } from "./errors";

const readme = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");

describe("loader error codes", () => {
  it("README.md documents exactly the codes errors.ts registers", () => {
    const section = readme.slice(readme.indexOf("## Error codes"));
    const documented = [...section.matchAll(/^\| `(LOADER-[A-Z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(LOADER_ERRORS).sort());
  });

  it("every code the sources raise is registered", () => {
    const dir = fileURLToPath(new URL(".", import.meta.url));
    const files = [
      "event-stream.ts",
      "spawn.ts",
      "mint-loader.ts",
      "multikernel-loader.ts",
      "dry-run-loader.ts",
      "direct/direct-loader.ts",
      "direct/apic.ts",
      "direct/phys-mem.ts",
      "direct/image-files.ts",
      "direct/host-checks.ts",
      "direct/layout.ts",
      "direct/zero-page.ts",
      "direct/images.ts",
      "stand-in-kernel.ts",
    ];
    const used = new Set<string>();
    for (const f of files)
      for (const m of readFileSync(dir + f, "utf8").matchAll(/"(LOADER-[A-Z0-9-]+)"/g))
        used.add(m[1]!);
    expect(used.size).toBeGreaterThan(10);
    for (const code of used) expect(Object.keys(LOADER_ERRORS)).toContain(code);
  });
});
