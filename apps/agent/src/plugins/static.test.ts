// The built console is served with an SPA fallback; without a build the agent says how to
// make one, and /api paths never fall back to the page.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { testApp, testEnv, type TestApp } from "../../test/integration/helpers";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  t?.env.cleanup();
});

describe("web console", () => {
  it("serves dist files and falls back to index.html for the console's own routes", async () => {
    const env = testEnv();
    const web = join(env.dir, "dist");
    mkdirSync(join(web, "assets"), { recursive: true });
    writeFileSync(join(web, "index.html"), "<!doctype html><title>Tessera</title>");
    writeFileSync(join(web, "assets", "app.js"), "console.log(1)");
    env.config.webRoot = web;
    t = await testApp(env);
    const index = await t.app.inject({ url: "/" });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain("<title>Tessera</title>");
    expect(index.headers["x-frame-options"]).toBe("DENY");
    expect(index.headers["x-content-type-options"]).toBe("nosniff");
    const js = await t.app.inject({ url: "/assets/app.js" });
    expect(js.headers["content-type"]).toMatch(/javascript/);
    const deep = await t.app.inject({ url: "/profiles/abc/edit" });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain("<title>Tessera</title>");
    const api = await t.app.inject({ url: "/api/unknown" });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe("NOT-FOUND");
  });

  it("says how to build the console when dist is missing", async () => {
    t = await testApp();
    const res = await t.app.inject({ url: "/" });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain("npm run build --workspace=@tessera/web");
  });
});
