import { describe, expect, it } from "vitest";
import { hex, humanSize, kernelSize, parseQuantity, q } from "./units";

describe("parseQuantity", () => {
  it("reads hex, decimal bytes and binary suffixes", () => {
    expect(q("0x40000000")).toBe(1n << 30n);
    expect(q("4096")).toBe(4096n);
    expect(q("64K")).toBe(65536n);
    expect(q("512M")).toBe(512n << 20n);
    expect(q("1G")).toBe(1n << 30n);
    expect(q("2TiB")).toBe(2n << 40n);
    expect(q("16t")).toBe(16n << 40n);
  });
  it("keeps every bit above 2^53", () => {
    expect(q("0x1fffffffffffff1")).toBe(0x1fffffffffffff1n);
    expect(hex(q("0xffffffffffffffff"))).toBe("0xffffffffffffffff");
  });
  it("says what is wrong, never throws", () => {
    expect(parseQuantity("12Q")).toEqual({
      ok: false,
      reason: '"12Q" is not a size (use hex like "0x40000000" or a size like "512M")',
    });
    expect(parseQuantity("0x10000000000000000")).toMatchObject({
      ok: false,
      reason: expect.stringContaining("64 bits"),
    });
    expect(parseQuantity(2 ** 60)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("hex string"),
    });
    expect(parseQuantity(-1)).toMatchObject({ ok: false });
    expect(parseQuantity(null)).toMatchObject({
      ok: false,
      reason: "null is not an address or size",
    });
    expect(parseQuantity("1.5G")).toMatchObject({ ok: false });
  });
});

describe("printing", () => {
  it("prints sizes for the kernel with the largest exact suffix", () => {
    expect(kernelSize(q("64K"))).toBe("64K");
    expect(kernelSize(q("1G"))).toBe("1G");
    expect(kernelSize(q("1536M"))).toBe("1536M");
    expect(kernelSize(q("0x1800"))).toBe("6K");
    expect(kernelSize(q("0x1801"))).toBe("0x1801");
  });
  it("prints sizes for people", () => {
    expect(humanSize(q("1536M"))).toBe("1.5 GiB");
    expect(humanSize(q("64K"))).toBe("64 KiB");
    expect(humanSize(1000n)).toBe("1000 B");
  });
});
