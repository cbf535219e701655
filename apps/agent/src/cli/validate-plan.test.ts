// The validate and plan commands, through main() and once through the real bin.
import { describe, expect, it } from "vitest";
// Tests may spawn: this one proves the installed `tessera` bin runs from the repo root.
// eslint-disable-next-line no-restricted-imports -- runs the installed tessera bin and grub-script-check
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { main } from "./main";
import { memoryIo } from "./io";

const root = resolve(import.meta.dirname, "../../../..");
const machine = join(root, "examples/machine.json");
const profile = join(root, "examples/profile.json");

async function cli(args: string[], files: Record<string, string> = {}) {
  const io = memoryIo(files);
  const code = await main(args, io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

const broken = JSON.stringify({
  schema: "tessera/profile@1",
  name: "broken",
  instances: [
    { name: "os1", cpus: [0, 1, 2, 3], memory: [{ start: "0x0", size: "4G" }] },
    { name: "os2", cpus: [3, 5, 7], memory: [{ start: "0xfec00000", size: "16M" }] },
  ],
});

describe("tessera validate", () => {
  it("exits 0 on the bundled example and prints warnings with hints", async () => {
    const r = await cli(["validate", "--machine", machine, "--profile", profile]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^seed-three-way: 0 errors, \d+ warnings/);
    expect(r.out).toContain("hint:");
  });
  it("exits 1 with every error as JSON", async () => {
    const r = await cli(["validate", "--machine", machine, "--profile", "/p.json", "--json"], {
      "/p.json": broken,
    });
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.ok).toBe(false);
    const codes = json.diagnostics.map((d: { code: string }) => d.code);
    expect(codes).toEqual(
      expect.arrayContaining(["CPU-SHARED", "CPU-CONTIGUOUS", "MEM-NOT-USABLE", "MEM-OVERLAP"]),
    );
  });
  it("exits 2 on malformed input, naming the file and the JSON path", async () => {
    const bad = JSON.stringify({
      schema: "tessera/profile@1",
      name: "x",
      instances: [{ name: "os1", cpus: [0], memory: [{ start: "0", size: "12Q" }] }],
    });
    const r = await cli(["validate", "--machine", machine, "--profile", "/bad.json"], {
      "/bad.json": bad,
    });
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      '/bad.json: instances[0].memory[0].size: "12Q" is not a size (use hex like "0x40000000" or a size like "512M")',
    );
  });
  it("exits 2 on a missing file, invalid JSON or a bad option, without a stack trace", async () => {
    const missing = await cli(["validate", "--machine", "/nope.json", "--profile", profile]);
    expect(missing).toMatchObject({
      code: 2,
      err: "/nope.json: cannot read the machine file: no such file",
    });
    const notJson = await cli(["validate", "--machine", machine, "--profile", "/x.json"], {
      "/x.json": "{ nope",
    });
    expect(notJson.code).toBe(2);
    expect(notJson.err).toMatch(/^\/x\.json: the profile file is not valid JSON: /);
    const opt = await cli(["validate", "--machin", machine]);
    expect(opt.code).toBe(2);
    expect(opt.err).toContain("unknown option --machin");
    expect([missing.err, notJson.err, opt.err].join()).not.toMatch(/\n\s+at /);
  });
});

describe("tessera plan", () => {
  it("prints JSON naming each instance with its command line and memMin/memMax", async () => {
    const r = await cli(["plan", "--machine", machine, "--profile", profile]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out);
    expect(plan.os1).toMatchObject({ name: "os1", maxcpus: 4, memEnd: "0x100000000" });
    expect(
      plan.successors.map((s: { name: string; memMin: string; memMax: string }) => [
        s.name,
        s.memMin,
        s.memMax,
      ]),
    ).toEqual([
      ["os2", "0x100000000", "0x2ffffffff"],
      ["os3", "0x880000000", "0xc7fffffff"],
    ]);
    expect(plan.successors[0].cmdline).toMatch(
      /^nokaslr maxcpus=4 memmap=exactmap memmap=64K@0x80000 memmap=8G@0x100000000 /,
    );
  });
  it("refuses an invalid layout: exit 1, diagnostics, no plan", async () => {
    const r = await cli(["plan", "--machine", machine, "--profile", "/p.json"], {
      "/p.json": broken,
    });
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toContain("CPU-SHARED");
  });
  it("writes a shell script with set -eu and one block per successor", async () => {
    const r = await cli(["plan", "--machine", machine, "--profile", profile, "--format", "sh"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("set -eu");
    expect(r.out.match(/^# --- /gm)).toHaveLength(2);
  });
  it("writes a GRUB entry that grub-script-check accepts", async () => {
    const r = await cli([
      "plan",
      "--machine",
      machine,
      "--profile",
      profile,
      "--format",
      "grub",
      "--os1-kernel",
      "/boot/vmlinuz-6.1",
      "--os1-root",
      "/dev/sda2",
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("'memmap=64K$0x80000'");
    const check = "/usr/bin/grub-script-check";
    expect(existsSync(check), "grub-script-check missing: apt-get install grub-common").toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "tessera-grub-"));
    writeFileSync(join(dir, "entry.cfg"), r.out + "\n");
    const res = spawnSync(check, [join(dir, "entry.cfg")], { encoding: "utf8" });
    expect(res.status, res.stderr).toBe(0);
  });
  it("prints no GRUB entry, and says which of OS1's kernel and root is missing, rather than invent one", async () => {
    const r = await cli([
      "plan",
      "--machine",
      machine,
      "--profile",
      profile,
      "--format",
      "grub",
      "--os1-kernel",
      "/boot/vmlinuz-6.1",
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toMatch(
      /^tessera plan: no GRUB entry: os1's root is not set in the profile and not known from the running OS1/,
    );
    expect(r.err).toContain("--os1-root");
  });
  it("rejects an unknown format", async () => {
    const r = await cli(["plan", "--machine", machine, "--profile", profile, "--format", "yaml"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--format must be one of json, sh, grub, not "yaml"');
  });
});

describe("the installed bin", () => {
  it("runs as npx tessera from the repository root", () => {
    const out = execFileSync(
      "npx",
      [
        "--no-install",
        "tessera",
        "validate",
        "--machine",
        "examples/machine.json",
        "--profile",
        "examples/profile.json",
        "--json",
      ],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    expect(JSON.parse(out).ok).toBe(true);
  });
});
