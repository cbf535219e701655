// The mint loader against the stand-in kexec (a TEST DOUBLE: no public Mint build exists;
// the real-kernel proof of the same argv is qemu-proof.test.ts) and real failing binaries.
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { successor } from "../test/plan-fixture";
import { callDir, calls, STAND_IN_KEXEC } from "../test/stand-in";
import { mintLoadArgv, mintStartArgv, mintUnloadArgv } from "./argv";
import { collect } from "./event-stream";
import { createMintLoader } from "./mint-loader";
import type { LoaderEvent } from "./types";

const dirs: string[] = [];
function setup(env: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  const dir = callDir();
  dirs.push(dir);
  // The stand-in cannot load into this kernel: a file plays /sys/kernel/kexec_loaded.
  const kexecLoadedPath = join(dir, "kexec_loaded");
  writeFileSync(kexecLoadedPath, "1\n");
  const loader = createMintLoader({
    binary: STAND_IN_KEXEC,
    kexecLoadedPath,
    env: { STANDIN_DIR: dir, ...env },
    ...extra,
  });
  return { dir, loader, kexecLoadedPath };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function result(events: LoaderEvent[]) {
  expect(events.filter((e) => e.type === "result")).toHaveLength(1);
  const last = events.at(-1)!;
  expect(last.type).toBe("result");
  return last as Extract<LoaderEvent, { type: "result" }>;
}

describe("mint loader", () => {
  it("load then start runs the contract argv and reports phases, logs and one result", async () => {
    const { dir, loader } = setup();
    const s = successor();
    const load = await collect(loader.load(s));
    expect(result(load).ok).toBe(true);
    expect(
      load.filter((e) => e.type === "phase").map((e) => (e as { phase: string }).phase),
    ).toEqual(["loading-image", "purgatory"]);
    expect(
      load.some(
        (e) => e.type === "log" && e.stream === "stdout" && /called with 9 arguments/.test(e.line),
      ),
    ).toBe(true);
    expect(await loader.status("web")).toMatchObject({ state: "loaded" });
    const start = await collect(loader.start("web"));
    expect(result(start).ok).toBe(true);
    expect(await loader.status("web")).toMatchObject({ state: "running" });
    const cfg = { binary: STAND_IN_KEXEC };
    expect(calls(dir)).toEqual([mintLoadArgv(s, cfg).slice(1), mintStartArgv(s, cfg).slice(1)]);
  });

  it("a loaded image the kernel no longer holds is reported as unknown", async () => {
    const { loader, kexecLoadedPath } = setup();
    await collect(loader.load(successor()));
    expect(await loader.status("web")).toMatchObject({ state: "loaded" });
    writeFileSync(kexecLoadedPath, "0\n");
    expect(await loader.status("web")).toMatchObject({
      state: "unknown",
      detail: expect.stringMatching(/no loaded kexec image/),
    });
  });

  it("a failing start maps to LOADER-EXIT, keeps stderr in the log only, and marks the instance failed", async () => {
    const { loader } = setup({ STANDIN_FAIL: "-e", STANDIN_EXIT: "3" });
    await collect(loader.load(successor()));
    const ev = await collect(loader.start("web"));
    const r = result(ev);
    expect(r).toMatchObject({ ok: false, error: { code: "LOADER-EXIT", phase: "ipi-sent" } });
    if (!r.ok) expect(r.error.message).not.toMatch(/Invalid argument/);
    expect(
      ev.some((e) => e.type === "log" && e.stream === "stderr" && /Invalid argument/.test(e.line)),
    ).toBe(true);
    expect(await loader.status("web")).toMatchObject({ state: "failed" });
  });

  it("a failed load unloads what kexec may hold and says so", async () => {
    const { dir, loader } = setup({ STANDIN_FAIL: "-l" });
    const r = result(await collect(loader.load(successor())));
    expect(r).toMatchObject({ ok: false, error: { code: "LOADER-EXIT", phase: "loading-image" } });
    expect(calls(dir).at(-1)).toEqual([mintUnloadArgv({ binary: STAND_IN_KEXEC })[1]]);
    expect(await loader.status("web")).toMatchObject({ state: "failed" });
  });

  it("a hanging loader is killed and reported as LOADER-TIMEOUT within its limit", async () => {
    const { loader } = setup({ STANDIN_HANG: "-l" });
    const t0 = Date.now();
    const r = result(await collect(loader.load(successor(), { timeoutMs: 400 })));
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r).toMatchObject({
      ok: false,
      error: { code: "LOADER-TIMEOUT", phase: "loading-image" },
    });
    // A load cut short leaves kexec's state unknown, and the status says so.
    expect(await loader.status("web")).toMatchObject({ state: "unknown" });
  });

  it("a loader killed by a signal is LOADER-SIGNAL", async () => {
    const { loader } = setup({ STANDIN_SIGNAL: "-l" });
    expect(result(await collect(loader.load(successor())))).toMatchObject({
      ok: false,
      error: { code: "LOADER-SIGNAL" },
    });
  });

  it("a missing binary is LOADER-NOT-FOUND, a non-executable one LOADER-NOT-EXECUTABLE", async () => {
    const dir = callDir();
    dirs.push(dir);
    const missing = createMintLoader({ binary: join(dir, "no-such-kexec") });
    expect(result(await collect(missing.load(successor())))).toMatchObject({
      ok: false,
      error: { code: "LOADER-NOT-FOUND" },
    });
    const plain = join(dir, "not-executable");
    writeFileSync(plain, "#!/bin/sh\nexit 0\n");
    chmodSync(plain, 0o644);
    const noexec = createMintLoader({ binary: plain });
    expect(result(await collect(noexec.load(successor())))).toMatchObject({
      ok: false,
      error: { code: "LOADER-NOT-EXECUTABLE" },
    });
    const notInPath = createMintLoader({ binary: "tessera-no-such-kexec" });
    expect(result(await collect(notInPath.load(successor())))).toMatchObject({
      ok: false,
      error: { code: "LOADER-NOT-FOUND" },
    });
  });

  it("cancelling a load kills the process and reports LOADER-CANCELLED", async () => {
    const { loader } = setup({ STANDIN_HANG: "-l" });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const r = result(await collect(loader.load(successor(), { signal: ac.signal })));
    expect(r).toMatchObject({ ok: false, error: { code: "LOADER-CANCELLED" } });
  });

  it("kexec holds one image: a second instance's load is refused until the first is started", async () => {
    const { loader } = setup();
    expect(result(await collect(loader.load(successor()))).ok).toBe(true);
    const other = successor({ name: "db", bsp: 4, cpus: [4], cpuCount: 1 });
    expect(result(await collect(loader.load(other)))).toMatchObject({
      ok: false,
      error: { code: "LOADER-BUSY" },
    });
    expect(result(await collect(loader.start("web"))).ok).toBe(true);
    expect(result(await collect(loader.load(other))).ok).toBe(true);
  });

  it("concurrent loads are serialized, never interleaved", async () => {
    const { dir, loader } = setup();
    const a = collect(loader.load(successor()));
    const b = collect(loader.load(successor({ name: "db", bsp: 4, cpus: [4], cpuCount: 1 })));
    const [ra, rb] = await Promise.all([a, b]);
    expect(result(ra).ok).toBe(true);
    // The second waited for the first, then found its image pending.
    expect(result(rb)).toMatchObject({ ok: false, error: { code: "LOADER-BUSY" } });
    expect(calls(dir)).toHaveLength(1);
  });

  it("start without a load is LOADER-NOT-LOADED; stop without a stop step is LOADER-UNSUPPORTED", async () => {
    const { loader } = setup();
    expect(result(await collect(loader.start("web")))).toMatchObject({
      ok: false,
      error: { code: "LOADER-NOT-LOADED" },
    });
    await collect(loader.load(successor()));
    await collect(loader.start("web"));
    expect(result(await collect(loader.stop("web")))).toMatchObject({
      ok: false,
      error: { code: "LOADER-UNSUPPORTED" },
    });
  });

  it("a configured stop step runs with the BSP substituted; a loaded image is stopped by unloading", async () => {
    const { dir, loader } = setup({}, { stopArgs: ["--stop", "--apic-id={apic}"] });
    await collect(loader.load(successor()));
    expect(result(await collect(loader.stop("web"))).ok).toBe(true);
    expect(calls(dir).at(-1)).toEqual(["-u"]);
    await collect(loader.load(successor()));
    await collect(loader.start("web"));
    expect(result(await collect(loader.stop("web"))).ok).toBe(true);
    expect(calls(dir).at(-1)).toEqual(["--stop", "--apic-id=2"]);
    expect(await loader.statusAll()).toEqual([
      { name: "web", state: "stopped", phase: "kernel-booting" },
    ]);
  });
});
