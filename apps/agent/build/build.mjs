// Bundles the tessera CLI and agent into apps/agent/dist/ with esbuild, so a command starts
// in plain Node instead of compiling TypeScript through tsx first. ESM with code splitting:
// every command is its own chunk, loaded only when that command runs (main.ts imports each
// lazily), so `validate` never reads Fastify's or SQLite's code.
// better-sqlite3 stays outside the bundle: it is a native addon, found at run time through
// Node's usual node_modules lookup from dist/. ws's optional native helpers stay outside too.
// Run: node apps/agent/build/build.mjs [--outdir DIR]
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const agentDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoDir = resolve(agentDir, "../..");

/** The modules left to Node at run time (each must be installed beside the bundle). */
export const EXTERNAL = ["better-sqlite3", "bufferutil", "utf-8-validate"];

/**
 * CommonJS packages that a dependency loads with a dynamic `import()` and reads named exports
 * from: @fastify/cookie does `(await import("cookie")).stringifySetCookie`. Node gives a CJS
 * module's named exports to import(), but esbuild's split chunk of a CJS module exports only
 * `default`, so the names would be undefined. This plugin hands such an import a small ESM
 * module that re-exports each name (read from the package at build time).
 */
const DYNAMIC_CJS = ["cookie"];

const dynamicCjsNamedExports = {
  name: "dynamic-cjs-named-exports",
  setup(b) {
    const filter = new RegExp(`^(${DYNAMIC_CJS.join("|")})$`);
    b.onResolve({ filter }, (args) => {
      if (args.kind !== "dynamic-import") return undefined;
      const real = createRequire(join(args.resolveDir, "noop.js")).resolve(args.path);
      return { path: real, namespace: "dynamic-cjs" };
    });
    b.onLoad({ filter: /.*/, namespace: "dynamic-cjs" }, (args) => {
      const names = Object.keys(createRequire(args.path)(args.path)).filter(
        (n) => n !== "default" && n !== "__esModule" && /^[A-Za-z_$][\w$]*$/.test(n),
      );
      const lines = [`import * as m from ${JSON.stringify(args.path)};`];
      for (const n of names) lines.push(`export const ${n} = m.${n};`);
      lines.push("export default m;");
      return { contents: lines.join("\n"), loader: "js", resolveDir: dirname(args.path) };
    });
  },
};

/**
 * Builds the bundle into outdir (default apps/agent/dist) and returns what it wrote.
 * dist/inputs.json lists the repository's own sources the bundle was made from, so
 * bin/tessera.mjs can tell a stale bundle from a fresh one without esbuild.
 */
export async function buildAgent({ outdir = join(agentDir, "dist") } = {}) {
  const t0 = performance.now();
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  // Loaded here, not at the top: without dev dependencies (npm ci --omit=dev) there is no
  // esbuild, and the command line below says so instead of failing the install.
  const { build } = await import("esbuild");
  const result = await build({
    // The layout worker thread runs a file of its own (lifecycle/layout-pool.ts).
    entryPoints: {
      tessera: join(agentDir, "bin/cli.ts"),
      "layout-worker": join(agentDir, "src/lifecycle/layout-worker.ts"),
    },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20.19",
    external: EXTERNAL,
    plugins: [dynamicCjsNamedExports],
    // CommonJS dependencies bundled into ESM call require() for Node's built-ins; give
    // every chunk a real one.
    banner: {
      js: 'import { createRequire as __tesseraRequire } from "node:module"; const require = __tesseraRequire(import.meta.url);',
    },
    chunkNames: "chunk-[hash]",
    metafile: true,
    absWorkingDir: repoDir,
    legalComments: "none",
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "warning",
  });
  // Paths in the metafile are relative to absWorkingDir (the repository): key the outputs
  // by their name in outdir instead, so meta.json reads the same wherever outdir is.
  const outputs = {};
  let bytes = 0;
  for (const [path, out] of Object.entries(result.metafile.outputs)) {
    outputs[relative(outdir, resolve(repoDir, path))] = out;
    bytes += out.bytes;
  }
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !p.split("/").includes("node_modules"))
    .sort();
  writeFileSync(
    join(outdir, "meta.json"),
    JSON.stringify({ inputs: result.metafile.inputs, outputs }),
  );
  writeFileSync(join(outdir, "inputs.json"), JSON.stringify({ inputs }, null, 1) + "\n");
  return {
    outdir,
    files: Object.keys(outputs).length,
    bytes,
    ms: performance.now() - t0,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--outdir");
  const outdir = at === -1 ? undefined : resolve(args[at + 1] ?? "");
  let r;
  try {
    r = await buildAgent({ outdir });
  } catch (err) {
    if (err?.code !== "ERR_MODULE_NOT_FOUND" || !String(err.message).includes("esbuild")) throw err;
    console.log(
      "tessera: esbuild is not installed (dev dependencies left out?): no bundle; tessera runs from its sources through tsx",
    );
    process.exit(0);
  }
  console.log(
    `tessera: built ${relative(process.cwd(), join(r.outdir, "tessera.js")) || r.outdir} (${r.files} files, ${(r.bytes / 1048576).toFixed(1)} MiB) in ${(r.ms / 1000).toFixed(1)} s`,
  );
}
