// SPEC.md, codes.ts and the tests must agree: every code documented once with its severity,
// and every code has a describe() named after it in validate.test.ts or validate-direct.test.ts.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { DIAGNOSTIC_CODES } from "./codes";

const spec = readFileSync(new URL("../SPEC.md", import.meta.url), "utf8");
const tests = ["./validate.test.ts", "./validate-direct.test.ts"]
  .map((f) => readFileSync(new URL(f, import.meta.url), "utf8"))
  .join("\n");

describe("SPEC.md", () => {
  const rows = [...spec.matchAll(/^\| `([A-Z0-9-]+)` \| (error|warning|info) \| (.+) \|$/gm)].map(
    (m) => ({
      code: m[1]!,
      severity: m[2]!,
      rule: m[3]!,
    }),
  );

  it("lists exactly the codes of the registry, with the same severity and rule", () => {
    const registry = Object.entries(DIAGNOSTIC_CODES).map(([code, info]) => ({
      code,
      severity: info.severity,
      rule: info.rule,
    }));
    expect(rows).toEqual(registry);
  });

  it("has a test named after every code", () => {
    const named = new Set([...tests.matchAll(/describe\("([A-Z0-9-]+)"/g)].map((m) => m[1]));
    const untested = Object.keys(DIAGNOSTIC_CODES).filter((c) => !named.has(c));
    expect(untested).toEqual([]);
  });

  it("keeps every code clients match on registered", () => {
    const required = [
      "CPU-UNKNOWN",
      "CPU-SHARED",
      "CPU-NONE",
      "CPU-CONTIGUOUS",
      "CPU-BOOT-CORE",
      "CPU-SMT-SPLIT",
      "CPU-HYBRID",
      "CPU-NUMA",
      "MEM-NONE",
      "MEM-NOT-USABLE",
      "MEM-OVERLAP",
      "MEM-ALIGN",
      "MEM-OS1-START",
      "MEM-LOW-SLICE",
      "MEM-TOO-SMALL",
      "DEV-UNKNOWN",
      "DEV-SHARED",
      "DEV-IRQ-SHARED",
      "DEV-INTX",
      "DEV-IOMMU-SPLIT",
      "DEV-UNASSIGNED",
      "DEV-STOCK-AMBIGUOUS",
      "PROFILE-EMPTY",
      "PROFILE-NAME-DUP",
      "CMDLINE-RESERVED",
      "CMDLINE-TOO-LONG",
    ];
    expect(required.filter((c) => !(c in DIAGNOSTIC_CODES))).toEqual([]);
  });
});
