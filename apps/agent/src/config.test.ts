import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_DATA_DIR, defaultConfig, loadConfig } from "./config";
import { kernelDirs } from "./lifecycle/file-checks";

const dir = mkdtempSync(join(tmpdir(), "tessera-config-"));
afterEach(() => undefined);

describe("configuration", () => {
  it("defaults to loopback, the dry-run loader and a data directory", () => {
    const c = defaultConfig();
    expect(c).toMatchObject({ host: "127.0.0.1", loader: "dry-run", dataDir: DEFAULT_DATA_DIR });
    // one place for every command, wherever it runs from: the agent package's own folder
    expect(DEFAULT_DATA_DIR).toBe(join(import.meta.dirname, "..", "tessera-data"));
  });

  it("layers file < environment < flags", async () => {
    const file = join(dir, "agent.json");
    writeFileSync(
      file,
      JSON.stringify({
        port: 9000,
        host: "0.0.0.0",
        loader: "mint",
        allowedOrigins: ["https://a"],
      }),
    );
    const c = await loadConfig({
      cwd: dir,
      flags: { config: file, port: "9100" },
      env: { TESSERA_HOST: "127.0.0.2", TESSERA_PORT: "9050" },
    });
    expect(c.port).toBe(9100);
    expect(c.host).toBe("127.0.0.2");
    expect(c.loader).toBe("mint");
    expect(c.allowedOrigins).toEqual(["https://a"]);
    const r = await loadConfig({
      cwd: dir,
      flags: {
        "allowed-origin": ["https://x", "https://y"],
        "dry-run-delays": '{"kernel-booting":5}',
      },
    });
    expect(r.allowedOrigins).toEqual(["https://x", "https://y"]);
    expect(r.dryRunDelays).toEqual({ "kernel-booting": 5 });
  });

  it("reads kernels from /boot and <data-dir>/kernels unless --kernel-dir names others", async () => {
    const d = await loadConfig({ cwd: dir, flags: { "data-dir": "data" } });
    expect(kernelDirs(d)).toEqual(["/boot", join(dir, "data", "kernels")]);
    const c = await loadConfig({ cwd: dir, flags: { "kernel-dir": ["k1", "/srv/k2"] } });
    expect(kernelDirs(c)).toEqual([join(dir, "k1"), "/srv/k2"]);
    const e = await loadConfig({ cwd: dir, env: { TESSERA_KERNEL_DIRS: "/a,/b" } });
    expect(kernelDirs(e)).toEqual(["/a", "/b"]);
  });

  it("names what is wrong and where", async () => {
    await expect(loadConfig({ flags: { port: "eighty" } })).rejects.toThrow(
      "--port: expected a whole number",
    );
    await expect(loadConfig({ env: { TESSERA_LOADER: "kexec" } })).rejects.toThrow(
      /not one of dry-run, direct, mint, multikernel/,
    );
    await expect(loadConfig({ flags: { "tls-cert": "a.pem" } })).rejects.toBeInstanceOf(
      ConfigError,
    );
    await expect(
      loadConfig({ flags: { "dry-run-faults": '[{"at":"boot","kind":"fail"}]' } }),
    ).rejects.toThrow(/\[0\]\.at: one of loading-image/);
    const faults = await loadConfig({
      env: { TESSERA_DRY_RUN_FAULTS: '[{"instance":"os2","at":"kernel-booting","kind":"fail"}]' },
    });
    expect(faults.dryRunFaults).toEqual([{ instance: "os2", at: "kernel-booting", kind: "fail" }]);
    await expect(loadConfig({ flags: { "loader-options": '{"kind":"mint"}' } })).rejects.toThrow(
      /"kind" is set by --loader/,
    );
    expect(
      (await loadConfig({ flags: { "loader-options": '{"binary":"/sbin/kexec-mint"}' } }))
        .loaderOptions,
    ).toEqual({ binary: "/sbin/kexec-mint" });
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ prot: 1 }));
    await expect(loadConfig({ flags: { config: file } })).rejects.toThrow(/unknown option "prot"/);
  });

  it("takes phase deadlines over the defaults from a file, the environment or --phase-deadlines", async () => {
    expect(defaultConfig().phaseDeadlines).toEqual({
      "loading-image": 60_000,
      purgatory: 15_000,
      "ipi-sent": 10_000,
      "kernel-booting": 60_000,
      "userspace-up": 60_000,
    });
    const file = join(dir, "deadlines.json");
    writeFileSync(file, JSON.stringify({ phaseDeadlines: { "kernel-booting": 90_000 } }));
    const f = await loadConfig({ flags: { config: file } });
    expect(f.phaseDeadlines).toMatchObject({ "kernel-booting": 90_000, purgatory: 15_000 });
    const e = await loadConfig({ env: { TESSERA_PHASE_DEADLINES: '{"userspace-up":0}' } });
    expect(e.phaseDeadlines["userspace-up"]).toBe(0);
    const g = await loadConfig({ flags: { "phase-deadlines": '{"ipi-sent":2500}' } });
    expect(g.phaseDeadlines["ipi-sent"]).toBe(2500);
  });

  it("names the flag and the phase of a bad deadline", async () => {
    await expect(loadConfig({ flags: { "phase-deadlines": '{"kernel-boot":1}' } })).rejects.toThrow(
      "--phase-deadlines: kernel-boot: not a phase with a deadline (one of loading-image, purgatory, ipi-sent, kernel-booting, userspace-up)",
    );
    await expect(loadConfig({ flags: { "phase-deadlines": '{"running":1000}' } })).rejects.toThrow(
      "--phase-deadlines: running: not a phase with a deadline",
    );
    await expect(
      loadConfig({ env: { TESSERA_PHASE_DEADLINES: '{"purgatory":"30s"}' } }),
    ).rejects.toThrow(
      'environment TESSERA_PHASE_DEADLINES: purgatory: expected whole milliseconds from 0 (no deadline) to 86400000, found "30s"',
    );
    await expect(loadConfig({ flags: { "phase-deadlines": '{"purgatory":-1}' } })).rejects.toThrow(
      "purgatory: expected whole milliseconds",
    );
    await expect(
      loadConfig({ flags: { "phase-deadlines": '{"purgatory":90000000}' } }),
    ).rejects.toThrow("found 90000000");
    await expect(loadConfig({ flags: { "phase-deadlines": "[1]" } })).rejects.toThrow(
      "--phase-deadlines: expected a JSON object of phase: ms",
    );
    const file = join(dir, "bad-deadlines.json");
    writeFileSync(file, JSON.stringify({ phaseDeadlines: { purgatory: 1.5 } }));
    await expect(loadConfig({ flags: { config: file } })).rejects.toThrow(
      `${file}: phaseDeadlines: purgatory: expected whole milliseconds`,
    );
  });
});

process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
