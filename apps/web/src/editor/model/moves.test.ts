import { describe, expect, it } from "vitest";
import { GiB } from "@tessera/core";
import { exampleMachine, exampleProfile } from "../../test/fixtures";
import { assignDevices, assignRange } from "./edits";
import { judge } from "./judge";
import { describeMove, movesOf } from "./moves";

describe("moves a drop makes", () => {
  const p = exampleProfile();
  const os2 = p.instances[1]!;

  it("names what each other instance loses", () => {
    const half = { start: os2.memory[0]!.start, size: 4n * GiB };
    const after = assignRange(p, 2, half);
    expect(movesOf(p, after, 2).map(describeMove)).toEqual(["moves 4 GiB of memory from os2"]);
    const dev = assignDevices(p, 2, ["0000:01:00.0"]);
    expect(movesOf(p, dev, 2).map(describeMove)).toEqual(["moves device 0000:01:00.0 from os2"]);
  });

  it("a drop that takes from another instance says so in its verdict", () => {
    const m = exampleMachine();
    const v = judge(m, p, [], { kind: "devices", ids: ["0000:01:00.0"] }, 2);
    expect(v.moves).toEqual(["moves device 0000:01:00.0 from os2"]);
  });

  it("taking from a running instance is refused, with the reason", () => {
    const m = exampleMachine();
    const v = judge(m, p, [], { kind: "devices", ids: ["0000:01:00.0"] }, 2, ["os2"]);
    expect(v.ok).toBe(false);
    expect(v.reasons[0]).toMatch(/^os2 is running: .*Stop os2 first\./);
    // a drop that takes nothing from it is not refused
    const free = judge(m, p, [], { kind: "cpus", ids: [8] }, 2, ["os2"]);
    expect(free.reasons.some((r) => r.includes("running"))).toBe(false);
  });
});
