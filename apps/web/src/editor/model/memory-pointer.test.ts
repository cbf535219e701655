import { describe, expect, it } from "vitest";
import { GiB, MiB } from "@tessera/core";
import { exampleProfile, loadExample } from "../../test/fixtures";
import { useStore } from "../../store";
import {
  beginDraw,
  beginResize,
  gestureStep,
  nudgeRange,
  pointerAddress,
  resizeRange,
  wheelView,
} from "./memory-pointer";

const view = { start: 0n, span: 4n * GiB };

describe("memory map pointer", () => {
  it("snaps to the window's edges, then e820 edges within 6 px, else to 2 MiB", () => {
    expect(pointerAddress(view, [], { frac: 0.001, width: 1000 })).toBe(0n);
    expect(pointerAddress(view, [], { frac: 0.999, width: 1000 })).toBe(4n * GiB);
    // zoomed to 64 MiB across 1000 px (64 KiB a pixel), with an e820 edge at 1 GiB + 1 MiB
    const near = { start: GiB, span: 64n * MiB };
    const edges = [
      { start: 0n, size: GiB + MiB, type: "usable" as const },
      { start: GiB + MiB, size: GiB, type: "reserved" as const },
    ];
    const edgeFrac = 1 / 64;
    expect(pointerAddress(near, edges, { frac: edgeFrac + 0.004, width: 1000 })).toBe(GiB + MiB);
    // 20 px away the edge no longer pulls: 2 MiB granularity
    expect(pointerAddress(near, edges, { frac: edgeFrac + 0.02, width: 1000 })).toBe(
      GiB + 2n * MiB,
    );
  });

  it("a wheel turn zooms about the pointer; sideways or with Shift it pans", () => {
    const end = 4n * GiB;
    const z = wheelView(view, { deltaX: 0, deltaY: -100, shiftKey: false }, 0.5, end);
    expect(z.span).toBeLessThan(view.span);
    const zoomedIn = { start: GiB, span: GiB };
    const p = wheelView(zoomedIn, { deltaX: 0, deltaY: 100, shiftKey: true }, 0.5, end);
    expect(p.span).toBe(GiB);
    expect(p.start).toBeGreaterThan(GiB);
  });

  it("drawing selects the range between press and pointer, either way round", () => {
    const g = beginDraw(2n * GiB);
    expect(gestureStep(g, 2n * GiB)).toBeNull();
    expect(gestureStep(g, GiB)).toEqual({ kind: "pending", range: { start: GiB, size: GiB } });
  });

  it("a resize moves one edge, from the gesture's base, never past the other edge", () => {
    const base = exampleProfile();
    const i = base.instances.findIndex((x) => x.memory.length > 0 && x.name !== "os1");
    const r = base.instances[i]!.memory[0]!;
    const g = beginResize(base, i, 0, "r")!;
    const s1 = gestureStep(g, r.start + r.size + 2n * MiB);
    expect(s1?.kind === "profile" && s1.profile.instances[i]!.memory[0]!.size).toBe(
      r.size + 2n * MiB,
    );
    // moving back to where it began gives the range as it was
    const s2 = gestureStep(g, r.start + r.size);
    expect(s2?.kind === "profile" && s2.profile.instances[i]!.memory[0]).toEqual(r);
    expect(resizeRange(r, "l", r.start + r.size + GiB)).toEqual({
      start: r.start + r.size - 4096n,
      size: 4096n,
    });
    expect(beginResize(base, i, 99, "l")).toBeNull();
  });

  it("a keyboard nudge moves 2 MiB, 1 GiB with Shift, and refuses to empty the range", () => {
    const r = { start: GiB, size: 4n * MiB };
    expect(nudgeRange(r, "r", 1, false)).toEqual({ start: GiB, size: 6n * MiB });
    expect(nudgeRange(r, "l", 1, true)).toBeNull();
  });
});

describe("history marks", () => {
  it("a drag previewed many times is one undo step; cancel puts the draft back", () => {
    loadExample();
    const st = useStore.getState;
    const before = st().draft;
    const i = before.instances.findIndex((x) => x.memory.length > 0 && x.name !== "os1");
    const r = before.instances[i]!.memory[0]!;
    const g = beginResize(before, i, 0, "r")!;
    st().beginMark();
    for (let n = 1; n <= 5; n++) {
      const step = gestureStep(g, r.start + r.size + BigInt(n) * 2n * MiB);
      if (step?.kind === "profile") st().preview(step.profile);
    }
    expect(st().past.length).toBe(0);
    st().commitMark();
    expect(st().draft.instances[i]!.memory[0]!.size).toBe(r.size + 10n * MiB);
    expect(st().past.length).toBe(1);
    st().undo();
    expect(st().draft).toBe(before);

    st().beginMark();
    const step = gestureStep(g, r.start + r.size + GiB);
    if (step?.kind === "profile") st().preview(step.profile);
    expect(st().draft).not.toBe(before);
    st().cancelMark();
    expect(st().draft).toBe(before);
    expect(st().past.length).toBe(0);
  });
});
