import { describe, expect, it } from "vitest";
import { inspectKernelBytes } from "../bzimage";
import { LoaderFailure } from "../errors";
import { bzImageWithPayload, directSuccessor } from "../../test/direct-fixture";
import { DEFAULT_WORKING_MARGIN, directLayout } from "./layout";

const image = bzImageWithPayload(0x10000);
const header = inspectKernelBytes(image).header!;

function failure(f: () => unknown): LoaderFailure {
  try {
    f();
  } catch (err) {
    if (err instanceof LoaderFailure) return err;
    throw err;
  }
  throw new Error("expected a LoaderFailure");
}

describe("directLayout", () => {
  it("zero page at memMin, command line 4 KiB after, kernel on the next kernel_alignment, initrd above init_size", () => {
    const l = directLayout({
      plan: directSuccessor(),
      header,
      kernelFileBytes: image.length,
      initrdBytes: 5000,
    });
    expect(l.zeroPage).toBe(0x40000000n);
    expect(l.cmdline).toBe(0x40001000n);
    expect(l.mpConfigSpare).toBe(0x40002000n);
    // 0x40003000 rounded up to 2 MiB
    expect(l.kernel).toBe(0x40200000n);
    expect(l.kernelFileOffset).toBe(5 * 512);
    expect(l.kernelBytes).toBe(0x10000);
    expect(l.kernelEnd).toBe(0x40200000n + 0x3f98000n);
    expect(l.initrd).toBe(0x44198000n);
    expect(l.initrd! % 0x1000n).toBe(0n);
    expect(l.trampoline).toBe(0x80000n);
    expect(l.lastNeeded).toBe(0x44198000n + 5000n + DEFAULT_WORKING_MARGIN - 1n);
  });

  it("setup_sects 0 means 4", () => {
    const img = Buffer.from(image);
    img.writeUInt8(0, 0x1f1);
    const h = inspectKernelBytes(img).header!;
    expect(
      directLayout({
        plan: directSuccessor(),
        header: h,
        kernelFileBytes: img.length,
        initrdBytes: 0,
      }).kernelFileOffset,
    ).toBe(2560);
  });

  it("no initrd: no initrd address", () => {
    const l = directLayout({
      plan: directSuccessor(),
      header,
      kernelFileBytes: image.length,
      initrdBytes: 0,
    });
    expect(l.initrd).toBeNull();
  });

  it("refuses a range too small for init_size + initrd + pages + margin, and says what it needs", () => {
    const plan = directSuccessor({ memMax: 0x40000000n + 0x4000000n - 1n }); // 64 MiB
    const f = failure(() =>
      directLayout({ plan, header, kernelFileBytes: image.length, initrdBytes: 20 << 20 }),
    );
    expect(f.code).toBe("LOADER-RANGE-TOO-SMALL");
    expect(f.message).toMatch(/holds 64 MiB but the successor needs/);
    expect(f.message).toMatch(/init_size 63.5 MiB/);
    expect(f.message).toMatch(/initrd 20 MiB/);
    expect(f.message).toMatch(/working margin 32 MiB/);
  });

  it("the margin is configurable: just enough fits, one byte less does not", () => {
    const l = directLayout({
      plan: directSuccessor(),
      header,
      kernelFileBytes: image.length,
      initrdBytes: 0,
      margin: 0n,
    });
    const exact = directSuccessor({ memMax: l.lastNeeded });
    expect(
      directLayout({
        plan: exact,
        header,
        kernelFileBytes: image.length,
        initrdBytes: 0,
        margin: 0n,
      }).kernel,
    ).toBe(l.kernel);
    const short = directSuccessor({ memMax: l.lastNeeded - 1n });
    expect(
      failure(() =>
        directLayout({
          plan: short,
          header,
          kernelFileBytes: image.length,
          initrdBytes: 0,
          margin: 0n,
        }),
      ).code,
    ).toBe("LOADER-RANGE-TOO-SMALL");
  });

  it("refuses a kernel that would end above 4 GiB (the 32-bit entry runs without paging)", () => {
    const plan = directSuccessor({ memMin: 0xfe000000n, memMax: 0x13fffffffn });
    const f = failure(() =>
      directLayout({ plan, header, kernelFileBytes: image.length, initrdBytes: 0 }),
    );
    expect(f.code).toBe("LOADER-LAYOUT");
    expect(f.message).toMatch(/above 4 GiB/);
  });

  it("refuses an initrd above initrd_addr_max when the kernel cannot take one above 4 GiB", () => {
    const img = Buffer.from(image);
    img.writeUInt16LE(0x01, 0x236); // XLF_KERNEL_64 only
    img.writeUInt32LE(0x40000000, 0x22c);
    const h = inspectKernelBytes(img).header!;
    const f = failure(() =>
      directLayout({
        plan: directSuccessor(),
        header: h,
        kernelFileBytes: img.length,
        initrdBytes: 4096,
      }),
    );
    expect(f.code).toBe("LOADER-LAYOUT");
    expect(f.message).toMatch(/initrd_addr_max 0x40000000/);
  });

  it("refuses a low slice that is not the SIPI vector's page", () => {
    const f = failure(() =>
      directLayout({
        plan: directSuccessor({ sipiVector: 0x70 }),
        header,
        kernelFileBytes: image.length,
        initrdBytes: 0,
      }),
    );
    expect(f.code).toBe("LOADER-LAYOUT");
  });
});
