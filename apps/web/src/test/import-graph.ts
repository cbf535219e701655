// The web console's import graph, read with TypeScript's own import scanner, and the cycles
// in it. Type-only imports count: a cycle of types is still a knot a reader has to untie.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const SOURCE = /\.(ts|tsx)$/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : SOURCE.test(f) ? [p] : [];
  });
}

/** file -> the files of `root` it imports (relative imports only; packages are leaves). */
export function importGraph(root: string): Map<string, string[]> {
  const files = new Set(walk(root));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const deps: string[] = [];
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith(".")) continue;
      const base = resolve(dirname(file), ref.fileName.replace(/\.(ts|tsx)$/, ""));
      const hit = [".ts", ".tsx", "/index.ts", "/index.tsx"]
        .map((ext) => base + ext)
        .find((p) => files.has(p));
      if (hit) deps.push(hit);
    }
    graph.set(file, deps);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the files in order, relative to `root`. */
export function findCycles(graph: Map<string, string[]>, root = "/"): string[][] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (f: string) => {
    state.set(f, "open");
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === "open")
        cycles.push(stack.slice(stack.indexOf(d)).map((p) => relative(root, p)));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, "done");
  };
  for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f);
  return cycles;
}
