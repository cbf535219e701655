import { describe, expect, it } from "vitest";
import { MiB, type Profile } from "@tessera/core";
import { exampleProfile } from "../../test/fixtures";
import {
  addInstance,
  assignCpus,
  assignDevices,
  assignRange,
  mergeRanges,
  moveInstance,
  removeInstance,
  subtractRange,
  unassignCpus,
} from "./edits";

describe("profile edits", () => {
  it("assigning cores takes them away from every other instance and keeps LAPIC order", () => {
    const p = exampleProfile();
    const next = assignCpus(p, 2, [7, 6]);
    expect(next.instances[1]!.cpus).toEqual([4, 5]);
    expect(next.instances[2]!.cpus).toEqual([6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
    expect(p.instances[1]!.cpus).toEqual([4, 5, 6, 7]); // the original is untouched
  });

  it("unassigning cores frees them", () => {
    const next = unassignCpus(exampleProfile(), [0, 1]);
    expect(next.instances[0]!.cpus).toEqual([2, 3]);
  });

  it("assigning a device moves it between instances", () => {
    const next = assignDevices(exampleProfile(), 0, ["0000:01:00.0"]);
    expect(next.instances[0]!.devices).toContain("0000:01:00.0");
    expect(next.instances[1]!.devices).not.toContain("0000:01:00.0");
  });

  it("assigning a range carves it out of other instances' ranges", () => {
    const p = exampleProfile(); // os2 holds 0x100000000 + 8G
    const cut = { start: 0x180000000n, size: 1024n * MiB };
    const next = assignRange(p, 2, cut);
    expect(next.instances[1]!.memory).toEqual([
      { start: 0x100000000n, size: 0x80000000n },
      { start: 0x1c0000000n, size: 0x140000000n },
    ]);
    expect(next.instances[2]!.memory).toContainEqual(cut);
  });

  it("subtracts and merges ranges exactly", () => {
    expect(subtractRange({ start: 0n, size: 100n }, { start: 10n, size: 20n })).toEqual([
      { start: 0n, size: 10n },
      { start: 30n, size: 70n },
    ]);
    expect(subtractRange({ start: 0n, size: 100n }, { start: 200n, size: 20n })).toEqual([
      { start: 0n, size: 100n },
    ]);
    expect(
      mergeRanges([
        { start: 10n, size: 10n },
        { start: 0n, size: 10n },
        { start: 50n, size: 1n },
      ]),
    ).toEqual([
      { start: 0n, size: 20n },
      { start: 50n, size: 1n },
    ]);
  });

  it("adds, reorders and removes instances", () => {
    let p: Profile = exampleProfile();
    p = addInstance(p);
    expect(p.instances.map((i) => i.name)).toEqual(["os1", "os2", "os3", "os4"]);
    p = moveInstance(p, 3, 1);
    expect(p.instances.map((i) => i.name)).toEqual(["os1", "os4", "os2", "os3"]);
    p = removeInstance(p, 1);
    expect(p.instances.map((i) => i.name)).toEqual(["os1", "os2", "os3"]);
  });
});
