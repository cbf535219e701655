// The esbuild bundle (build/build.mjs) as it runs on a machine: copied into a directory of
// its own beside nothing but better-sqlite3 and the two packages it requires (bindings,
// file-uri-to-path), outside the repository so Node cannot find anything else. Each run is
// traced (an ESM load hook plus the CommonJS cache at exit) to prove a command loads only
// what it needs.
// eslint-disable-next-line no-restricted-imports -- the bundle must run as a real process
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAgent } from "../../build/build.mjs";
import { main } from "../../src/cli/main";
import { memoryIo } from "../../src/cli/io";
import { EXAMPLE_MACHINE, REPO } from "./helpers";

const EXAMPLE_PROFILE = join(REPO, "examples/profile.json");
let dir: string;
let app: string;
let meta: { outputs: Record<string, { inputs: Record<string, unknown> }> };

/** The runtime layout: dist/ and node_modules/{better-sqlite3,bindings,file-uri-to-path}. */
function installRuntime(into: string): void {
  const from = join(REPO, "node_modules");
  const to = join(into, "node_modules");
  const sqlite = join(from, "better-sqlite3");
  for (const part of ["package.json", "lib", "build/Release/better_sqlite3.node"])
    cpSync(join(sqlite, part), join(to, "better-sqlite3", part), { recursive: true });
  for (const pkg of ["bindings", "file-uri-to-path"])
    cpSync(join(from, pkg), join(to, pkg), { recursive: true });
}

/** Runs `node [--import trace] dist/tessera.js ...args` and returns what it loaded. */
function traced(args: string[], name: string) {
  const trace = join(dir, `${name}.trace`);
  const r = spawnSync(
    process.execPath,
    ["--import", join(dir, "trace.mjs"), join(app, "dist/tessera.js"), ...args],
    { encoding: "utf8", env: { ...process.env, TRACE_FILE: trace }, cwd: dir },
  );
  return { ...r, loaded: loadedSources(trace) };
}

/** The sources (repository-relative, node_modules included) behind the files a run loaded. */
function loadedSources(trace: string): string[] {
  const files = readFileSync(trace, "utf8").trim().split("\n");
  const out = new Set<string>();
  for (const f of files) {
    const path = f.replace(/^file:\/\//, "");
    const chunk = path.startsWith(join(app, "dist"))
      ? meta.outputs[path.slice(join(app, "dist").length + 1)]
      : undefined;
    if (chunk) for (const input of Object.keys(chunk.inputs)) out.add(input);
    else out.add(path);
  }
  return [...out];
}

const has = (loaded: string[], part: string) => loaded.some((p) => p.includes(part));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tessera-bundle-"));
  app = join(dir, "app");
  await buildAgent({ outdir: join(app, "dist") });
  meta = JSON.parse(readFileSync(join(app, "dist/meta.json"), "utf8"));
  installRuntime(app);
  writeFileSync(
    join(dir, "hooks.mjs"),
    `import { appendFileSync } from "node:fs";
export async function load(url, context, next) {
  appendFileSync(process.env.TRACE_FILE, url + "\\n");
  return next(url, context);
}`,
  );
  writeFileSync(
    join(dir, "trace.mjs"),
    `import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
register("./hooks.mjs", import.meta.url);
const cache = createRequire(import.meta.url)("node:module")._cache;
process.on("exit", () => appendFileSync(process.env.TRACE_FILE, Object.keys(cache).join("\\n") + "\\n"));`,
  );
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the bundle", () => {
  it("validates the example exactly as the sources do, and loads no server, database or discovery", async () => {
    const args = ["validate", "--machine", EXAMPLE_MACHINE, "--profile", EXAMPLE_PROFILE];
    const r = traced(args, "validate");
    const io = memoryIo();
    const status = await main(args, io);
    expect(r.status).toBe(status);
    expect(r.stdout).toBe(io.stdout.map((t) => (t.endsWith("\n") ? t : t + "\n")).join(""));
    expect(has(r.loaded, "packages/core/src/validate.ts")).toBe(true);
    for (const heavy of [
      "node_modules/fastify/",
      "better-sqlite3",
      "src/db/",
      "src/discovery/",
      "src/server.ts",
      "packages/kexec/",
    ])
      expect(r.loaded.filter((p) => p.includes(heavy))).toEqual([]);
  });

  it("imports dmesg and lspci text without loading the sysfs discovery or the archive reader", () => {
    const fixture = join(REPO, "apps/agent/test/fixtures/dell-poweredge-t440-xeon-gold-5118");
    const r = traced(
      ["import", "--dmesg", join(fixture, "dmesg.txt"), "--lspci", join(fixture, "lspci-vvv.txt")],
      "import",
    );
    expect(r.stdout).toContain("PowerEdge T440");
    expect(has(r.loaded, "src/importer/")).toBe(true);
    // The importer shares discovery's text parsers (cpuinfo, e820 types, pci.ids), nothing else.
    for (const heavy of [
      "src/discovery/index.ts",
      "src/discovery/tree-reader.ts",
      "src/capture/",
      "node:zlib",
      "node_modules/fastify/",
    ])
      expect(r.loaded.filter((p) => p.includes(heavy))).toEqual([]);
  });

  it("discovers a captured tree folder without loading the archive reader", () => {
    const tree = join(
      REPO,
      "apps/agent/test/fixtures/dell-poweredge-t440-xeon-gold-5118/jailhouse-config-collect",
    );
    const r = traced(["discover", "--root", tree, "--json"], "discover-root");
    expect([0, 1]).toContain(r.status);
    expect(JSON.parse(r.stdout).schema).toBe("tessera/machine@1");
    expect(has(r.loaded, "src/discovery/index.ts")).toBe(true);
    expect(has(r.loaded, "src/capture/tree-root.ts")).toBe(true);
    for (const heavy of ["src/capture/tar.ts", "src/capture/index.ts", "node_modules/tar/"])
      expect(r.loaded.filter((p) => p.includes(heavy))).toEqual([]);
  });

  it("answers serve --help without loading the server", () => {
    const r = traced(["serve", "--help"], "serve-help");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("--web-root");
    expect(has(r.loaded, "src/config.ts")).toBe(true);
    expect(has(r.loaded, "node_modules/fastify/")).toBe(false);
    expect(has(r.loaded, "better-sqlite3")).toBe(false);
  });

  for (const withWeb of [false, true]) {
    it(`serves from the runtime layout alone ${withWeb ? "with" : "without"} a built console`, async () => {
      const web = join(dir, withWeb ? "web" : "no-web");
      if (withWeb) {
        mkdirSync(web, { recursive: true });
        writeFileSync(join(web, "index.html"), "<!doctype html><title>console</title>");
      }
      const name = withWeb ? "serve-web" : "serve";
      const child = spawn(
        process.execPath,
        [
          "--import",
          join(dir, "trace.mjs"),
          join(app, "dist/tessera.js"),
          "serve",
          "--machine",
          EXAMPLE_MACHINE,
          "--port",
          "0",
          "--data-dir",
          join(dir, `${name}-data`),
          "--web-root",
          web,
          "--log-level",
          "warn",
        ],
        {
          cwd: dir,
          env: {
            ...process.env,
            TRACE_FILE: join(dir, `${name}.trace`),
            TESSERA_ADMIN_PASSWORD: "bundle-test-pw",
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let output = "";
      child.stderr!.on("data", (d) => (output += String(d)));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start:\n${output}`)), 20_000);
        child.stdout!.on("data", (d) => {
          output += String(d);
          const m = /listening on (http:\/\/\S+)/.exec(output);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        child.on("exit", () => reject(new Error(`exited:\n${output}`)));
      });
      const api = await fetch(`${url}/api/machine`);
      expect(api.status).toBe(401);
      // Validation runs on the layout worker, which the bundle ships as its own file.
      const login = await fetch(`${url}/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "admin", password: "bundle-test-pw" }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const checked = await fetch(`${url}/api/validate`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie, "x-csrf-token": csrfToken },
        body: JSON.stringify({ profile: JSON.parse(readFileSync(EXAMPLE_PROFILE, "utf8")) }),
      });
      expect(checked.status, await checked.clone().text()).toBe(200);
      expect(((await checked.json()) as { diagnostics: unknown[] }).diagnostics).toBeInstanceOf(
        Array,
      );
      const page = await fetch(`${url}/profiles/x`);
      if (withWeb) expect(await page.text()).toContain("<title>console</title>");
      else expect(await page.text()).toContain("The web console is not built");
      const exited = new Promise((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      const loaded = loadedSources(join(dir, `${name}.trace`));
      expect(has(loaded, "node_modules/fastify/fastify.js")).toBe(true);
      expect(loaded.filter((p) => p.startsWith(app) && p.includes("better-sqlite3"))).not.toEqual(
        [],
      );
      expect(has(loaded, "node_modules/@fastify/static/")).toBe(withWeb);
    }, 40_000);
  }
});
