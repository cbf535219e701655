// The workspace allow-lists are lint rules (eslint.config.js): the web console and kexec may
// import only @tessera/core, core no workspace at all, the agent core and kexec. Linted here
// as if the probe were a file of each workspace, with the repository's own configuration.
import { ESLint } from "eslint";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "./integration/helpers";

const eslint = new ESLint({ cwd: REPO });

async function refused(file: string, pkg: string): Promise<boolean> {
  const [r] = await eslint.lintText(`import { x } from "${pkg}";\nexport const y = x;\n`, {
    filePath: join(REPO, file),
  });
  return r!.messages.some((m) => m.ruleId === "no-restricted-imports");
}

const CASES: [string, string, boolean][] = [
  ["apps/web/src/probe.ts", "@tessera/core", false],
  ["apps/web/src/probe.ts", "@tessera/kexec", true],
  ["apps/web/src/probe.ts", "@tessera/agent", true],
  ["packages/kexec/src/probe.ts", "@tessera/core", false],
  ["packages/kexec/src/probe.ts", "@tessera/agent", true],
  ["packages/core/src/probe.ts", "@tessera/kexec", true],
  ["packages/core/src/probe.test.ts", "@tessera/agent", true],
  ["apps/agent/src/probe.ts", "@tessera/kexec", false],
  ["apps/agent/src/probe.ts", "@tessera/web", true],
  ["apps/agent/src/probe.ts", "@tessera/core/src/model", true],
];

describe("workspace boundaries", () => {
  it("refuse every workspace import outside each package's allow-list", async () => {
    const got = await Promise.all(
      CASES.map(async ([file, pkg]) => [file, pkg, await refused(file, pkg)]),
    );
    expect(got).toEqual(CASES);
  }, 60_000);
});
