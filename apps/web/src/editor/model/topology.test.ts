import { describe, expect, it } from "vitest";
import { exampleMachine, exampleProfile } from "../../test/fixtures";
import { cpuOwners, formatIds, groupCpus, presentOrder, runBetween } from "./topology";
import { diffProfilesView } from "../../profiles/diff";
import { assignCpus } from "./edits";

describe("core topology", () => {
  it("groups by socket, NUMA node and physical core with SMT siblings together", () => {
    const g = groupCpus(exampleMachine().cpus);
    expect(g.map((p) => p.package)).toEqual([0, 1]);
    expect(g[0]!.nodes[0]!.node).toBe(0);
    expect(g[0]!.nodes[0]!.cores[0]!.cpus.map((c) => c.apicId)).toEqual([0, 1]);
    expect(g[1]!.cpuCount).toBe(8);
  });
  it("takes a shift-click run in present LAPIC order, across the gap 7 -> 16", () => {
    const order = presentOrder(exampleMachine());
    expect(runBetween(order, 18, 6)).toEqual([6, 7, 16, 17, 18]);
  });
  it("formats LAPIC lists as runs", () => {
    expect(formatIds([3, 0, 1, 2, 8, 16, 17])).toBe("0-3, 8, 16-17");
  });
  it("knows each core's owner", () => {
    const owners = cpuOwners(exampleProfile());
    expect(owners[0]).toBe(0);
    expect(owners[5]).toBe(1);
    expect(owners[20]).toBe(2);
  });
  it("diffs two profiles per instance in the operator's terms", () => {
    const a = exampleProfile();
    const b = assignCpus(a, 2, [7]);
    const d = diffProfilesView(a, b);
    expect(d).toEqual([
      { name: "os2", status: "changed", lines: [{ kind: "remove", text: "cores 7" }] },
      { name: "os3", status: "changed", lines: [{ kind: "add", text: "cores 7" }] },
    ]);
  });
});
