import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectKernelBytes } from "../bzimage";
import { bzImageWithPayload, directSuccessor } from "../../test/direct-fixture";
import { makeHost } from "../../test/direct-host";
import { describeDirect } from "./describe";
import { describeDirectFromFiles } from "./image-files";

describe("describeDirect", () => {
  it("says what is written where and which IPIs go to which core", () => {
    const img = bzImageWithPayload(0x20000);
    const d = describeDirect(
      directSuccessor(),
      { header: inspectKernelBytes(img).header!, fileBytes: img.length },
      0x3000,
    );
    expect(d.writes.map((w) => [w.what, w.address])).toEqual([
      ["zero page", "0x40000000"],
      ["command line", "0x40001000"],
      ["kernel", "0x40200000"],
      ["initrd", "0x44198000"],
      ["trampoline", "0x80000"],
      ["mailbox", "0x3ffff000"],
    ]);
    expect(d.mpTable).toEqual({ pointer: "0x380", config: "0x390", cpus: [1, 2], bsp: 1 });
    expect(d.helperArgs).toEqual({
      start: ["1:0x4500:10000", "1:0x4680:200", "1:0x4680:0"],
      park: ["1:0x4500:0", "2:0x4500:0"],
    });
    expect(d.lines[1]).toMatch(/INIT, 10 ms, STARTUP 0x80, 200 us, STARTUP 0x80 to LAPIC 1/);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d); // plain JSON for /api/plan
  });

  it("from files: the same description from the kernel's header and the initrd's size", async () => {
    const h = await makeHost();
    const d = await describeDirectFromFiles(h.os2());
    expect(d.writes.find((w) => w.what === "initrd")).toMatchObject({
      address: "0x44198000",
      bytes: 0x3000,
    });
    expect(d.writes.find((w) => w.what === "kernel")).toMatchObject({ bytes: 0x20000 });
    writeFileSync(join(h.dir, "not-a-kernel"), Buffer.alloc(4096));
    await expect(
      describeDirectFromFiles(h.os2({ kernel: join(h.dir, "not-a-kernel") })),
    ).rejects.toMatchObject({
      code: "LOADER-KERNEL",
    });
  });
});
