// bin/tessera.mjs runs the bundle only while it is current: a source newer than the bundle,
// a source gone, or no bundle at all sends it to the TypeScript sources instead.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { staleReason } from "../bin/bundle-state.mjs";

let repo: string;
let agent: string;
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), "tessera-stale-"));
  agent = join(repo, "apps/agent");
  mkdirSync(join(agent, "dist"), { recursive: true });
  mkdirSync(join(agent, "src"), { recursive: true });
  writeFileSync(join(agent, "src/a.ts"), "");
  utimesSync(join(agent, "src/a.ts"), at(1), at(1));
  writeFileSync(
    join(agent, "dist/inputs.json"),
    JSON.stringify({ inputs: ["apps/agent/src/a.ts"] }),
  );
  writeFileSync(join(agent, "dist/tessera.js"), "");
  utimesSync(join(agent, "dist/tessera.js"), at(2), at(2));
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

it("uses a bundle newer than every source it was built from", () => {
  expect(staleReason(agent, repo)).toBeNull();
});

it("refuses a bundle older than one of its sources", () => {
  utimesSync(join(agent, "src/a.ts"), at(3), at(3));
  expect(staleReason(agent, repo)).toBe("apps/agent/src/a.ts changed since the build");
});

it("refuses a bundle whose source is gone", () => {
  rmSync(join(agent, "src/a.ts"));
  expect(staleReason(agent, repo)).toBe("apps/agent/src/a.ts is gone since the build");
});

it("reports a missing bundle", () => {
  rmSync(join(agent, "dist/tessera.js"));
  expect(staleReason(agent, repo)).toBe("the bundle is not built");
});
