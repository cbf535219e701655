import { describe, expect, it } from "vitest";
import { anchorOf, placeAxisLabels } from "./bar-labels";

describe("anchorOf", () => {
  it("puts a label right of its anchor, or left of it near the right edge", () => {
    expect(anchorOf({ x: 0, width: 90 }, 650)).toBe("start");
    expect(anchorOf({ x: 560, width: 90 }, 650)).toBe("start");
    expect(anchorOf({ x: 561, width: 90 }, 650)).toBe("end");
  });

  it("drops a label wider than the room on either side", () => {
    expect(anchorOf({ x: 50, width: 90 }, 100)).toBeNull();
  });
});

describe("placeAxisLabels", () => {
  it("drops the label that would cover the one before it (the 1024 px memory bar)", () => {
    // 66 GiB across a 658 px bar: ticks every 16 GiB, labels about 90 px wide
    const bar = 658;
    const at = (gib: number) => (gib / 66) * bar;
    const labels = [0, 16, 32, 48, 64].map((g) => ({ x: at(g), width: 90 }));
    expect(placeAxisLabels(labels, bar)).toEqual(["start", "start", "start", "start", null]);
  });

  it("keeps a hanging label when it clears the previous one by the gap", () => {
    const labels = [
      { x: 0, width: 40 },
      { x: 95, width: 40 },
    ];
    expect(placeAxisLabels(labels, 100, 8)).toEqual(["start", "end"]);
    expect(placeAxisLabels(labels, 100, 20)).toEqual(["start", null]);
  });

  it("keeps every label when they are far apart", () => {
    const labels = [0, 200, 400, 600].map((x) => ({ x, width: 90 }));
    expect(placeAxisLabels(labels, 1500)).toEqual(["start", "start", "start", "start"]);
  });
});
