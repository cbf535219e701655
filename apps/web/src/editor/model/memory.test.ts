import { describe, expect, it } from "vitest";
import { GiB, MiB } from "@tessera/core";
import { exampleMachine, exampleProfile } from "../../test/fixtures";
import {
  firstFit,
  freeUsable,
  hexAddr,
  rangeLabel,
  segments,
  sizeLabel,
  snap,
  typeAt,
} from "./memory";
import { describePayload } from "./payload";
import { addrAt, clampView, fracOf, MIN_SPAN, ticks, zoom } from "./viewport";

describe("memory map", () => {
  it("makes the holes between e820 regions explicit", () => {
    const segs = segments(exampleMachine());
    const hole = segs.find((s) => s.type === "hole" && s.start === 0xa0000n);
    expect(hole).toEqual({ start: 0xa0000n, size: 0xf0000n - 0xa0000n, type: "hole" });
    // contiguous from 0 to the end: every byte is in exactly one segment
    for (let i = 1; i < segs.length; i++)
      expect(segs[i]!.start).toBe(segs[i - 1]!.start + segs[i - 1]!.size);
  });

  it("knows the e820 type at an address", () => {
    const m = exampleMachine();
    expect(typeAt(m, 0xfec00000n)).toBe("reserved");
    expect(typeAt(m, 0x100000000n)).toBe("usable");
    expect(typeAt(m, 0xb0000n)).toBe("hole");
  });

  it("snaps to 4 KiB below 1 MiB and to 2 MiB above", () => {
    expect(snap(0x80123n)).toBe(0x80000n);
    expect(snap(0x100000000n + 3n * MiB - 1n)).toBe(0x100000000n + 2n * MiB);
  });

  it("writes addresses and sizes for people", () => {
    expect(hexAddr(0x7ff00000n)).toBe("0x7ff0_0000");
    expect(sizeLabel(8n * GiB)).toBe("8 GiB");
    expect(sizeLabel(2n * MiB)).toBe("2 MiB");
    expect(sizeLabel(64n * 1024n)).toBe("64 KiB");
  });

  it("finds free usable memory and a first fit for a typed-size chunk", () => {
    const m = exampleMachine();
    const p = exampleProfile(); // os1 0-4G, os2 4G-12G (in usable 4G..34G), os3 34G+16G
    const free = freeUsable(m, p);
    expect(free.some((r) => r.start === 0x300000000n)).toBe(true);
    expect(firstFit(m, p, GiB)).toEqual({ start: 0x300000000n, size: GiB });
  });
});

describe("memory viewport", () => {
  const end = 1n << 36n;
  it("maps addresses to the bar and back", () => {
    const v = { start: 0n, span: end };
    expect(fracOf(v, end / 2n)).toBeCloseTo(0.5, 6);
    expect(addrAt(v, 0.25)).toBe(end / 4n);
  });
  it("zooms around the pointer down to single pages and never past the ends", () => {
    let v = { start: 0n, span: end };
    for (let i = 0; i < 200; i++) v = zoom(v, 0.5, 0.5, end);
    expect(v.span).toBe(MIN_SPAN);
    expect(v.span / 4096n).toBe(16n);
    expect(clampView({ start: end, span: GiB }, end).start).toBe(end - GiB);
  });
  it("puts ticks on round addresses inside the window", () => {
    const t = ticks({ start: 0n, span: 4n * GiB });
    expect(t[0]).toBe(0n);
    expect(t.every((a) => a % (512n * MiB) === 0n)).toBe(true);
  });
});

describe("one way to write a range", () => {
  it("start–end (size), with grouped hex digits, wherever the console names a range", () => {
    const r = { start: 0x100000000n, size: 8n * GiB };
    expect(rangeLabel(r)).toBe("0x1_0000_0000–0x2_ffff_ffff (8 GiB)");
    expect(describePayload({ kind: "range", range: r })).toBe(`range ${rangeLabel(r)}`);
  });
});
