// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

const deepImports = {
  group: ["@tessera/*/*"],
  message: "Import a workspace package through its entry point only (no deep imports).",
};
/** Workspaces a package may import, besides itself (everything else under @tessera/ is refused). */
function onlyWorkspaces(allowed, who) {
  return {
    group: ["@tessera/*", ...allowed.map((a) => `!${a}`)],
    message: allowed.length
      ? `${who} may import only ${allowed.join(" and ")} of the workspaces.`
      : `${who} imports no other workspace.`,
  };
}
const childProcess = {
  paths: [
    { name: "child_process", message: "Only packages/kexec spawns processes." },
    { name: "node:child_process", message: "Only packages/kexec spawns processes." },
  ],
};

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      // Downloads and build products of the QEMU tests and the lab (Debian packages, the
      // agent bundle and initramfs trees).
      ".cache/**",
      "**/dist/**",
      "**/.turbo/**",
      "**/fixtures/**",
      "e2e/test-results/**",
      "e2e/playwright-report/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "no-restricted-imports": ["error", { patterns: [deepImports], ...childProcess }],
    },
  },
  {
    // The pure core: no I/O, no clock, no node built-ins. It runs unchanged in the browser.
    files: ["packages/core/src/**/*.ts"],
    ignores: ["packages/core/src/**/*.test.ts", "packages/core/src/test-support.ts"],
    languageOptions: { globals: {} },
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            deepImports,
            onlyWorkspaces([], "packages/core"),
            {
              group: [
                "node:*",
                "fs",
                "path",
                "os",
                "child_process",
                "net",
                "http",
                "https",
                "crypto",
              ],
              message: "packages/core is pure: no node built-ins.",
            },
          ],
        },
      ],
      "no-restricted-globals": [
        "error",
        "process",
        "setTimeout",
        "setInterval",
        "fetch",
        "require",
      ],
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: "packages/core is pure: pass the clock in." },
        { object: "Math", property: "random", message: "packages/core is pure: pass IDs in." },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='Date']",
          message: "packages/core is pure: pass the clock in.",
        },
        { selector: "ExportAllDeclaration", message: "No export *: name what the entry exposes." },
      ],
    },
  },
  {
    // Core's tests import no other workspace either (its bench measures its own entry).
    files: ["packages/core/src/**/*.test.ts", "packages/core/src/test-support.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [deepImports, onlyWorkspaces([], "packages/core")], ...childProcess },
      ],
    },
  },
  {
    // The one package allowed to spawn processes.
    files: ["packages/kexec/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [deepImports, onlyWorkspaces(["@tessera/core"], "packages/kexec")] },
      ],
    },
  },
  {
    files: ["apps/agent/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            deepImports,
            onlyWorkspaces(["@tessera/core", "@tessera/kexec"], "apps/agent"),
          ],
          ...childProcess,
        },
      ],
    },
  },
  {
    // The lab boots QEMU and packs initramfs images: a test and development machine around
    // the product, not the product itself, so it may run those tools directly.
    files: ["lab/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [deepImports] }] },
  },
  {
    files: ["apps/web/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [deepImports, onlyWorkspaces(["@tessera/core"], "apps/web")], ...childProcess },
      ],
    },
  },
);
