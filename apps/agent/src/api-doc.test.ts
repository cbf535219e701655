// API.md and the route table list the same routes: every route the agent registers under
// /api is documented (a `- \`METHOD /api/…\`` entry, or the WebSocket's heading), and every
// documented route exists. The way ERRORS.md is kept in step with the error registry.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp, type TestApp } from "../test/integration/helpers";

const doc = readFileSync(new URL("../API.md", import.meta.url), "utf8");
const documented = [
  ...doc.matchAll(/^(?:- |#+ [^`\n]*)`(GET|POST|PUT|PATCH|DELETE) (\/api\/[^`?\s]*)/gm),
].map((m) => `${m[1]} ${m[2]}`);

describe("API.md", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(async () => {
    await t.app.close();
    t.env.cleanup();
  });

  it("documents every /api route once, and no route the agent does not have", () => {
    const served = t.app.routeTable
      .filter((r) => r.url.startsWith("/api/"))
      .map((r) => `${r.method} ${r.url}`);
    expect(served.length).toBeGreaterThan(30);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...new Set(served)].sort());
  });
});
