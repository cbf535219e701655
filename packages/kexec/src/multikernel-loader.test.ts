// The multikernel adapter against the stand-in kerf (a TEST DOUBLE: the patch series is not
// in any kernel this machine can run) and a sysfs tree in a temporary directory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { successor } from "../test/plan-fixture";
import { callDir, calls, STAND_IN_KERF } from "../test/stand-in";
import { collect } from "./event-stream";
import { createMultikernelLoader, KERF_ADAPTERS } from "./multikernel-loader";
import type { LoaderEvent } from "./types";

const dirs: string[] = [];
function setup(env: Record<string, string> = {}) {
  const dir = callDir();
  const sysfs = mkdtempSync(join(tmpdir(), "tessera-mk-"));
  dirs.push(dir, sysfs);
  const loader = createMultikernelLoader({
    binary: STAND_IN_KERF,
    sysfsRoot: sysfs,
    env: { STANDIN_DIR: dir, KERF_SYSFS: sysfs, ...env },
  });
  return { dir, sysfs, loader };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const result = (ev: LoaderEvent[]) => {
  expect(ev.filter((e) => e.type === "result")).toHaveLength(1);
  return ev.at(-1) as Extract<LoaderEvent, { type: "result" }>;
};

describe("multikernel loader (kerf v1)", () => {
  it("create, load, exec, kill: argv per the v1 adapter, state from the sysfs status file", async () => {
    const { dir, loader } = setup();
    const s = successor();
    expect(await loader.status("web")).toEqual({ name: "web", state: "absent" });
    expect(result(await collect(loader.load(s))).ok).toBe(true);
    expect(await loader.status("web")).toMatchObject({ state: "loaded" });
    expect(result(await collect(loader.start("web"))).ok).toBe(true);
    expect(await loader.status("web")).toMatchObject({ state: "running" });
    expect(result(await collect(loader.forceStop("web"))).ok).toBe(true);
    expect(calls(dir)).toEqual([
      ["create", "web", "--cpus", "2,3", "--memory", "512M@0x40000000"],
      ["load", "--kernel", s.kernel, "--initrd", s.initrd, "--cmdline", s.cmdline, "--id", "1"],
      ["exec", "--id", "1"],
      ["kill", "--force", "--id", "1"],
    ]);
    expect(KERF_ADAPTERS.v1.kill("1", false)).toEqual(["kill", "--id", "1"]);
    expect(await loader.statusAll()).toEqual([
      { name: "web", state: "loaded", detail: 'kernel status "ready" (instance 1)' },
    ]);
  });

  it.each([
    ["EPERM", "LOADER-EPERM", /mkkernel_pool/],
    ["EBUSY", "LOADER-EBUSY", /offline/],
    ["ENOENT", "LOADER-ENOENT", /does not exist/],
    ["EINVAL", "LOADER-EINVAL", /rejected an argument/],
  ])("kerf failing with %s maps to %s with an operator sentence", async (errno, code, words) => {
    const { loader } = setup({ KERF_FAIL: `create:${errno}` });
    const ev = await collect(loader.load(successor()));
    const r = result(ev);
    expect(r).toMatchObject({ ok: false, error: { code } });
    if (!r.ok) expect(r.error.message).toMatch(words);
    // kerf's own words stay in the log, not in the error.
    expect(
      ev.some(
        (e) => e.type === "log" && e.stream === "stderr" && e.line.startsWith("kerf: create:"),
      ),
    ).toBe(true);
  });

  it("an unrecognised kerf failure is LOADER-EXIT", async () => {
    const { loader } = setup({ KERF_FAIL: "load:something odd" });
    expect(result(await collect(loader.load(successor())))).toMatchObject({
      ok: false,
      error: { code: "LOADER-EXIT" },
    });
  });

  it("reads every kernel status word, and an unknown one as unknown", async () => {
    const { sysfs, loader } = setup();
    const words: [string, string][] = [
      ["empty", "absent"],
      ["ready", "loaded"],
      ["loading", "starting"],
      ["active", "running"],
      ["failed", "failed"],
      ["weird", "unknown"],
    ];
    for (const [i, [word]] of words.entries()) {
      mkdirSync(join(sysfs, "instances", String(i)), { recursive: true });
      writeFileSync(join(sysfs, "instances", String(i), "name"), `i${i}\n`);
      writeFileSync(join(sysfs, "instances", String(i), "status"), `${word}\n`);
    }
    for (const [i, [, state]] of words.entries())
      expect((await loader.status(`i${i}`)).state).toBe(state);
  });

  it("start of an instance kerf never created is LOADER-ENOENT; a missing kerf is LOADER-NOT-FOUND", async () => {
    const { loader } = setup();
    expect(result(await collect(loader.start("ghost")))).toMatchObject({
      ok: false,
      error: { code: "LOADER-ENOENT" },
    });
    const none = createMultikernelLoader({ binary: "/nonexistent/kerf", sysfsRoot: tmpdir() });
    expect(result(await collect(none.load(successor())))).toMatchObject({
      ok: false,
      error: { code: "LOADER-NOT-FOUND" },
    });
  });
});
