// The direct loader's Loader.describeCommands (what /api/plan shows under --loader direct)
// and the script of format "sh" for it, from real kernel and initrd files on disk.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectKernelBytes } from "../bzimage";
import { commandsToShell, mintCommands } from "../argv";
import { loaderScript } from "../loader-script";
import { bzImageWithPayload, directSuccessor } from "../../test/direct-fixture";
import { bootPlan, successor } from "../../test/plan-fixture";
import { describeDirect } from "./describe";
import { createDirectLoader } from "./direct-loader";
import { planToDirectShell } from "./direct-shell";
import { readDirectImages } from "./image-files";

const dir = mkdtempSync(join(tmpdir(), "tessera-describe-"));
const kernelBytes = bzImageWithPayload(0x20000);
const kernel = join(dir, "vmlinuz");
const initrd = join(dir, "initrd.img");
writeFileSync(kernel, kernelBytes);
writeFileSync(initrd, Buffer.alloc(0x3000, 7));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const loader = (apicHelper?: string) =>
  createDirectLoader({ apicHelper, devMem: "/dev/mem", statePath: join(dir, "state.json") });

describe("the direct loader's describeCommands", () => {
  it("lists the pages it writes, where, and the helper's INIT-SIPI-SIPI as the start", async () => {
    const s = directSuccessor({ kernel, initrd });
    const l = loader("/opt/tessera/tessera-apic");
    const d = await l.describeCommands(bootPlan([s]));
    await l.close();
    expect(d.mode).toBe("run");
    const c = d.commands[0]!;
    // Loading runs no command: the loader writes these pages itself.
    expect(c.load).toEqual([]);
    expect(c.problem).toBeNull();
    expect(c.start).toEqual([
      [
        "/opt/tessera/tessera-apic",
        "--mem",
        "/dev/mem",
        "1:0x4500:10000",
        "1:0x4680:200",
        "1:0x4680:0",
      ],
    ]);
    const expected = describeDirect(
      s,
      { header: inspectKernelBytes(kernelBytes).header!, fileBytes: kernelBytes.length },
      0x3000,
    );
    expect(c.direct?.writes).toEqual(expected.writes);
    expect(c.direct?.writes.map((w) => [w.what, w.address])).toEqual([
      ["zero page", "0x40000000"],
      ["command line", "0x40001000"],
      ["kernel", "0x40200000"],
      ["initrd", "0x44198000"],
      ["trampoline", "0x80000"],
      ["mailbox", "0x3ffff000"],
    ]);
    expect(c.direct?.mpTable).toEqual({ pointer: "0x380", config: "0x390", cpus: [1, 2], bsp: 1 });
    expect(c.direct?.lines[0]).toContain("write os2 into 0x40000000");
    expect(JSON.parse(JSON.stringify(d))).toEqual(d); // plain JSON for /api/plan
  });

  it("shows a placeholder for the helper until one is named (mode template)", async () => {
    const l = loader();
    const d = await l.describeCommands(bootPlan([directSuccessor({ kernel, initrd })]));
    await l.close();
    expect(d.mode).toBe("template");
    expect(d.commands[0]!.start[0]![0]).toBe("<tessera-apic>");
  });

  it("says why a successor cannot be described: no kernel, an unreadable one, no direct part", async () => {
    const l = loader("/opt/tessera/tessera-apic");
    const d = await l.describeCommands(
      bootPlan([
        directSuccessor({ name: "nokernel", kernel: undefined }),
        directSuccessor({ name: "gone", kernel: join(dir, "missing") }),
        successor({ name: "mint", kernel }),
      ]),
    );
    await l.close();
    expect(d.commands.map((c) => [c.name, c.load])).toEqual([
      ["nokernel", null],
      ["gone", null],
      ["mint", null],
    ]);
    expect(d.commands[0]!.problem).toMatch(/nokernel has no kernel/);
    expect(d.commands[1]!.problem).toContain(join(dir, "missing"));
    expect(d.commands[2]!.problem).toMatch(/not planned for the direct loader/);
  });
});

describe("loaderScript", () => {
  it("is the direct loader's own script under the direct loader", async () => {
    const s = directSuccessor({ kernel, initrd });
    const plan = bootPlan([s]);
    const l = loader("/opt/tessera/tessera-apic");
    const r = await loaderScript(l, plan, await l.describeCommands(plan));
    await l.close();
    expect(r).toEqual({
      script: planToDirectShell(plan, { os2: await readDirectImages(s) }),
      problem: null,
    });
    expect(r.script).toContain(`file ${kernel} `);
  });

  it("says why there is none when a successor's kernel cannot be read", async () => {
    const plan = bootPlan([directSuccessor({ kernel: join(dir, "missing") })]);
    const l = loader("/opt/tessera/tessera-apic");
    const r = await loaderScript(l, plan, await l.describeCommands(plan));
    await l.close();
    expect(r.script).toBeNull();
    expect(r.problem).toContain("cannot read the kernel");
  });

  it("is the described commands as a script for a loader that runs commands", async () => {
    const plan = bootPlan([successor({ kernel })]);
    const described = { mode: "run" as const, commands: mintCommands(plan) };
    expect(await loaderScript({ kind: "mint" }, plan, described)).toEqual(
      commandsToShell(plan, described, "mint"),
    );
  });
});
