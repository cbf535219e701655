// The console's modules form no import cycle (so each feature can be read, tested and moved
// on its own). The checker is tested on a graph with a known cycle first, so a pass means
// something.
import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { dirname } from "node:path";
import { readFileSync } from "node:fs";
import { findCycles, importGraph } from "./test/import-graph";

const SRC = dirname(fileURLToPath(import.meta.url));

describe("import graph", () => {
  it("finds a cycle when there is one", () => {
    const g = new Map([
      ["/a.ts", ["/b.ts"]],
      ["/b.ts", ["/c.ts"]],
      ["/c.ts", ["/a.ts"]],
      ["/d.ts", ["/a.ts"]],
    ]);
    expect(findCycles(g)).toEqual([["a.ts", "b.ts", "c.ts"]]);
  });

  it("reads real imports, type-only ones included", () => {
    const g = importGraph(SRC);
    expect(g.get(`${SRC}/store/types.ts`)).toContain(`${SRC}/run/run-types.ts`);
    expect(g.get(`${SRC}/store/live.ts`)).toContain(`${SRC}/api/socket.ts`);
  });

  it("apps/web/src has no import cycle", () => {
    expect(findCycles(importGraph(SRC), SRC)).toEqual([]);
  });

  it("only api/ sends requests: features call its typed functions", () => {
    const callers = [...importGraph(SRC).keys()].filter((f) => {
      if (f.startsWith(`${SRC}/api/`) || f.endsWith(".test.ts") || f.endsWith(".test.tsx"))
        return false;
      const text = readFileSync(f, "utf8");
      return /\brequest\s*[<(]|import\s*\{[^}]*\brequest\b[^}]*\}\s*from\s*"[./]*api\/client"/.test(
        text,
      );
    });
    expect(callers).toEqual([]);
  });
});
