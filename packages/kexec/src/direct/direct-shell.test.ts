// The operator's script RUNS here, under dash (/bin/sh) and under busybox sh, against a
// sparse file standing in for /dev/mem and a stand-in APIC helper (TEST DOUBLES); the bytes
// it leaves must be exactly the loader's images at the loader's addresses.
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bootPlan } from "../../test/plan-fixture";
import { fetchDebian } from "../../test/debian-kernel";
import { makeHost } from "../../test/direct-host";
import { planToDirectShell } from "./direct-shell";
import { buildDirectImages } from "./images";
import { buildMpTable } from "./mp-table";

async function setup() {
  const h = await makeHost();
  const kernel = readFileSync(h.kernel);
  const initrd = readFileSync(h.initrd);
  const os2 = h.os2();
  const os3 = h.os3();
  const images = {
    os2: buildDirectImages({ plan: os2, kernel, initrd }),
    os3: buildDirectImages({ plan: os3, kernel, initrd }),
  };
  const script = planToDirectShell(bootPlan([os2, os3]), images);
  const apic = join(h.dir, "script-apic");
  writeFileSync(
    apic,
    `#!/bin/sh\n# TEST DOUBLE around tessera-apic: records its argv and runs the real helper; starting\n# LAPIC 1 also plays os2's guest and reports its LVT0 masked, so the script goes on to os3.\necho "$*" >> '${h.ipiLog}'\n'${h.realHelper}' "$@" || exit $?\ncase " $* " in *" 1:0x4680:0 "*) printf '\\001' | '${h.realHelper}' --mem "$TESSERA_DEVMEM" --write 0x3ffff014 ;; esac\n`,
  );
  chmodSync(apic, 0o755);
  writeFileSync(join(h.dir, "direct.sh"), script);
  return { h, images, script, apic, os2, os3 };
}

for (const [shell, argv] of [
  ["dash", () => ["/bin/sh"]],
  ["busybox sh", () => [fetchDebian().busybox, "sh"]],
] as const) {
  describe(`planToDirectShell under ${shell}`, () => {
    it("writes exactly the loader's images, then the MP table and IPIs of each successor in order", async () => {
      const { h, images, apic, os3 } = await setup();
      const [bin, ...args] = argv();
      const r = spawnSync(bin!, [...args, join(h.dir, "direct.sh")], {
        env: {
          PATH: process.env.PATH,
          TESSERA_DEVMEM: h.devMem,
          TESSERA_APIC: apic,
          TESSERA_SYSFS: h.config.sysRoot,
        },
        encoding: "utf8",
      });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      for (const img of Object.values(images))
        for (const w of img.writes) {
          const got = h.read(w.address, w.bytes.length);
          if (w.what === "mailbox" && w.address === 0x3ffff000n) got.writeUInt32LE(0, 0x14); // the double's LVT0 report
          expect({ what: w.what, same: got.equals(Buffer.from(w.bytes)) }).toEqual({
            what: w.what,
            same: true,
          });
        }
      const mp = buildMpTable(0x380n, os3.cpus, os3.bsp, images.os3.layout.mpConfigSpare);
      expect(h.read(0x380n, 16).equals(mp.pointer)).toBe(true);
      expect(h.read(0x390n, mp.config.length).equals(mp.config)).toBe(true);
      // OS1's LINT0 masked on each of its online CPUs (the stand-in sysfs says 0), first
      expect(h.helperRuns()[0]).toEqual(["--mask-lint0", "0"]);
      expect(h.read(0xfee00350n, 4).readUInt32LE() & 0x10000).toBe(0x10000);
      expect(h.ipis()).toEqual([
        ["1:0x4500:10000", "1:0x4680:200", "1:0x4680:0"],
        ["3:0x4500:10000", "3:0x4670:200", "3:0x4670:0"],
      ]);
    }, 60_000);
  });
}

describe("planToDirectShell text", () => {
  it("is readable: each step commented, the kernel read from its file, the helper's build line", async () => {
    const { script } = await setup();
    expect(script).toMatch(/^#!\/bin\/sh\n/);
    expect(script).toMatch(
      /cc -static -O2 -o tessera-apic packages\/kexec\/native\/tessera-apic.c/,
    );
    expect(script).toMatch(/# the protected-mode kernel: .*vmlinuz from byte 2560/);
    expect(script).toMatch(/\nwait_lvt0 os2 0x3ffff014\n/);
    expect(script.indexOf("wait_lvt0 os2")).toBeGreaterThan(
      script.indexOf('"$APIC" --mem "$MEM" 1:0x4500'),
    );
  });

  it("os1_cpus turns sysfs's CPU list into the helper's comma list", async () => {
    const { h, script } = await setup();
    const fn = /^os1_cpus\(\) \{[\s\S]*?^\}$/m.exec(script)![0];
    writeFileSync(join(h.config.sysRoot!, "devices", "system", "cpu", "online"), "0-2,5,7-8\n");
    const r = spawnSync("/bin/sh", ["-c", `${fn}\nos1_cpus`], {
      env: { PATH: process.env.PATH, TESSERA_SYSFS: h.config.sysRoot },
      encoding: "utf8",
    });
    expect(r.stdout).toBe("0,1,2,5,7,8\n");
  });

  it("refuses a plan made without the direct part", async () => {
    const { h, images } = await setup();
    const { direct: _d, ...plain } = h.os2();
    expect(() => planToDirectShell(bootPlan([plain]), images)).toThrow(/no direct part/);
  });
});
