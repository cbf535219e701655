// The argv builder and the exported script: the script's argv proven identical to what the
// mint loader spawns (core's quoting itself: shell-quoting.test.ts).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bootPlan, successor } from "../test/plan-fixture";
import { callDir, calls, STAND_IN_KEXEC } from "../test/stand-in";
import { mintLoadArgv, mintStartArgv, planToShell, stockKexecArgv } from "./argv";
import { collect } from "./event-stream";
import { createMintLoader } from "./mint-loader";
import { shLine } from "@tessera/core";

describe("mint argv contract", () => {
  it("load carries image, initrd, range, cmdline, BSP and the successor's e820 map", () => {
    const s = successor();
    expect(mintLoadArgv(s)).toEqual([
      "/usr/local/sbin/mint-kexec",
      "-l",
      s.kernel,
      `--initrd=${s.initrd}`,
      "--mem-min=0x40000000",
      "--mem-max=0x5fffffff",
      `--append=${s.cmdline}`,
      "--apic-id=2",
      "--memmap=0x80000,0x10000,usable",
      "--memmap=0x40000000,0x20000000,usable",
    ]);
    expect(mintStartArgv(s)).toEqual(["/usr/local/sbin/mint-kexec", "-e", "--apic-id=2"]);
  });

  it("binary and option names are configurable, values as separate arguments", () => {
    const argv = mintLoadArgv(successor({ initrd: null }), {
      binary: "/opt/k",
      apicIdOption: "--bsp",
      joinValues: false,
    });
    expect(argv.slice(0, 7)).toEqual([
      "/opt/k",
      "-l",
      "/boot/vmlinuz-6.1.0-amd64",
      "--mem-min",
      "0x40000000",
      "--mem-max",
      "0x5fffffff",
    ]);
    expect(argv).toContain("--bsp");
    expect(argv.some((a) => a.startsWith("--initrd"))).toBe(false);
  });

  it("stock kexec-tools argv: -l with --initrd/--mem-min/--mem-max/--append, then -e", () => {
    const s = successor();
    expect(stockKexecArgv(s)).toEqual({
      load: [
        "kexec",
        "-l",
        s.kernel,
        `--initrd=${s.initrd}`,
        "--mem-min=0x40000000",
        "--mem-max=0x5fffffff",
        `--append=${s.cmdline}`,
      ],
      exec: ["kexec", "-e"],
    });
  });

  it("a successor without a kernel is refused with a reason", () => {
    expect(() => mintLoadArgv(successor({ kernel: null }))).toThrow(/no kernel/);
  });
});

describe("planToShell", () => {
  it("is a readable set -eu script with one commented block per successor", () => {
    const plan = bootPlan([
      successor(),
      successor({ name: "db", index: 3, bsp: 4, cpus: [4], cpuCount: 1 }),
    ]);
    const sh = planToShell(plan);
    expect(sh.split("\n")).toContain("set -eu");
    expect(sh).toMatch(/# --- OS2: web ---/);
    expect(sh).toMatch(/# --- OS3: db ---/);
    execFileSync("/bin/sh", ["-n", "-c", sh]); // parses
  });

  it("names with newlines stay inside comments: the only commands are the argv lines", () => {
    const evil = successor({ name: "x\ntouch /tmp/pwned", devices: ["a\rb\nc"] });
    const plan = bootPlan([evil]);
    plan.os1.cmdline = "ro\nreboot";
    const commands = planToShell(plan)
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"));
    expect(commands).toEqual(["set -eu", shLine(mintLoadArgv(evil)), shLine(mintStartArgv(evil))]);
  });

  it("runs exactly the argv the mint loader spawns (same builder, through a real sh)", async () => {
    const dirScript = callDir();
    const dirLoader = callDir();
    const tmp = mkdtempSync(join(tmpdir(), "tessera-sh-"));
    try {
      const s = successor({ cmdline: "console=ttyS1 quiet 'odd' memmap=64K$0x80000 x=\"y z\"" });
      const config = { binary: STAND_IN_KEXEC };
      const script = join(tmp, "plan.sh");
      writeFileSync(script, planToShell(bootPlan([s]), config));
      chmodSync(script, 0o755);
      execFileSync("/bin/sh", [script], { env: { ...process.env, STANDIN_DIR: dirScript } });

      const loader = createMintLoader({ ...config, env: { STANDIN_DIR: dirLoader } });
      const load = await collect(loader.load(s));
      const start = await collect(loader.start(s.name));
      expect(load.at(-1)).toMatchObject({ type: "result", ok: true });
      expect(start.at(-1)).toMatchObject({ type: "result", ok: true });

      expect(calls(dirScript)).toEqual(calls(dirLoader));
      expect(calls(dirScript)).toEqual([
        mintLoadArgv(s, config).slice(1),
        mintStartArgv(s, config).slice(1),
      ]);
    } finally {
      for (const d of [dirScript, dirLoader, tmp]) rmSync(d, { recursive: true, force: true });
    }
  });
});
