// The GRUB routes with a runner that really runs grub-common's tools (tests may spawn).
// eslint-disable-next-line no-restricted-imports -- runs grub-common's real tools
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { CommandRunner } from "../../../grub/service";
import {
  addUser,
  login,
  testEnv,
  type TestEnv,
  writeOs1Tree,
  grubApp,
} from "../../../../test/integration/helpers";
import type { FastifyInstance } from "fastify";

const run: CommandRunner = (argv) =>
  new Promise((resolve) =>
    execFile(argv[0]!, argv.slice(1), { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({
        code: err ? (typeof err.code === "number" ? err.code : 1) : 0,
        stdout: String(stdout),
        stderr: String(stderr),
      }),
    ),
  );

let app: FastifyInstance | undefined;
let env: TestEnv | undefined;
afterEach(async () => {
  await app?.close();
  env?.cleanup();
});

describe("GRUB routes", () => {
  it("previews, installs for one boot, sets the default and uninstalls the active profile's OS1 entry", async () => {
    env = testEnv();
    writeOs1Tree(env.config.grubRoot);
    app = await grubApp(env, run);
    await addUser(app, "ada", "admin");
    await addUser(app, "olga", "operator");
    const a = await login(app, "ada");
    const o = await login(app, "olga");
    expect((await app.inject({ url: "/api/grub", headers: a.headers })).json().error.code).toBe(
      "NO-ACTIVE-PROFILE",
    );
    const rec = await app.inject({
      method: "POST",
      url: "/api/profiles",
      headers: a.headers,
      payload: { profile: env.profile },
    });
    await app.inject({
      method: "POST",
      url: `/api/profiles/${rec.json().id}/activate`,
      headers: a.headers,
    });
    const preview = await app.inject({ url: "/api/grub", headers: a.headers });
    expect(preview.json()).toMatchObject({ found: true, manual: null });
    expect(preview.json().diff).toContain("+menuentry 'Tessera: seed-three-way (os1)'");
    expect(
      (
        await app.inject({
          method: "POST",
          url: "/api/grub/install",
          headers: o.headers,
          payload: {},
        })
      ).statusCode,
    ).toBe(403);
    const install = await app.inject({
      method: "POST",
      url: "/api/grub/install",
      headers: a.headers,
      payload: { oneTime: true },
    });
    expect(install.statusCode).toBe(200);
    expect(install.json().commands.map((c: string[]) => c[0])).toEqual([
      "grub-script-check",
      "grub-reboot",
    ]);
    expect(readFileSync(install.json().file, "utf8")).toContain("maxcpus=4");
    // This host did not boot the entry: making it the default is refused unless forced.
    const early = await app.inject({
      method: "POST",
      url: "/api/grub/default",
      headers: a.headers,
      payload: {},
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({
      code: "GRUB-NOT-VERIFIED",
      hint: expect.stringMatching(/^OS1 runs with/),
    });
    const def = await app.inject({
      method: "POST",
      url: "/api/grub/default",
      headers: a.headers,
      payload: { force: true },
    });
    expect(def.json()).toMatchObject({ default: "tessera-seed-three-way" });
    const un = await app.inject({ method: "DELETE", url: "/api/grub", headers: a.headers });
    expect(un.json().removed).toBe(true);
    const audit = await app.inject({ url: "/api/audit?user=ada", headers: a.headers });
    expect(
      audit
        .json()
        .entries.map((e: { action: string }) => e.action)
        .slice(0, 3),
    ).toEqual(["grub.uninstall", "grub.default", "grub.install"]);
  });
});
