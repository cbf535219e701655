// Routes are a schema and one call: what a change entails (lock checks, the audit entry,
// the live announcement) belongs to the services in src/services and the lifecycle, so a
// second route or the command line doing the same change cannot forget a part of it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROUTES = new URL("./api/", import.meta.url).pathname;

function routeFiles(dir = ROUTES): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? routeFiles(join(dir, e.name))
      : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")
        ? [join(dir, e.name)]
        : [],
  );
}

describe("route handlers", () => {
  it("neither audit nor announce nor touch profile and user stores' writes themselves", () => {
    const files = routeFiles();
    expect(files.length).toBeGreaterThan(8);
    const found = files.flatMap((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .flatMap((line, i) =>
          /\.audit\.record\(|\.hub\.publish\(|\.profiles\.(create|update|remove|setActive)\(|\.users\.(add|update|remove|createSession|endSession)\(/.test(
            line,
          )
            ? [`${f.slice(ROUTES.length)}:${i + 1}: ${line.trim()}`]
            : [],
        ),
    );
    expect(found).toEqual([]);
  });
});
