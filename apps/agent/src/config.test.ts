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
});

process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
