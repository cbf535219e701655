import { describe, expect, it } from "vitest";
import type { Profile } from "@tessera/core";
import { exampleProfile } from "../test/fixtures";
import { defaultChoices, mergeProfiles, mergeRows } from "./merge";

const rename = (p: Profile, k: number, name: string): Profile => ({
  ...p,
  instances: p.instances.map((i, j) => (j === k ? { ...i, name } : i)),
});

describe("three-way merge of a profile", () => {
  const base = exampleProfile();

  it("keeps their edit and mine when they touch different fields", () => {
    const theirs = rename(base, 2, "db");
    const mine = {
      ...base,
      instances: [...base.instances, { name: "os4", cpus: [], memory: [], devices: [] }],
    };
    const rows = mergeRows(base, theirs, mine);
    expect(rows.map((r) => [r.key, r.changedBy])).toEqual([
      ["2:name", "theirs"],
      ["3:instance", "mine"],
    ]);
    const merged = mergeProfiles(theirs, mine, rows, defaultChoices(rows));
    expect(merged.instances.map((i) => i.name)).toEqual(["os1", "os2", "db", "os4"]);
  });

  it("asks where both changed one field, and takes the chosen side", () => {
    const theirs = {
      ...base,
      instances: base.instances.map((i, j) => (j === 1 ? { ...i, cmdline: "theirs" } : i)),
    };
    const mine = {
      ...base,
      instances: base.instances.map((i, j) => (j === 1 ? { ...i, cmdline: "mine" } : i)),
    };
    const rows = mergeRows(base, theirs, mine);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      field: "cmdline",
      changedBy: "both",
      theirs: "theirs",
      mine: "mine",
    });
    const choices = defaultChoices(rows);
    expect(mergeProfiles(theirs, mine, rows, choices).instances[1]!.cmdline).toBe("mine");
    choices[rows[0]!.key] = "theirs";
    expect(mergeProfiles(theirs, mine, rows, choices).instances[1]!.cmdline).toBe("theirs");
  });

  it("lists each changed field once, and nothing when all agree", () => {
    expect(mergeRows(base, base, base)).toEqual([]);
  });

  it("merges every field of an instance: OS1's root set in the draft survives their rename", () => {
    const theirs = rename(base, 2, "db");
    const mine = {
      ...base,
      instances: base.instances.map((i, j) => (j === 0 ? { ...i, root: "UUID=0a1b" } : i)),
    };
    const rows = mergeRows(base, theirs, mine);
    expect(rows.map((r) => [r.key, r.changedBy])).toEqual([
      ["0:root", "mine"],
      ["2:name", "theirs"],
    ]);
    const merged = mergeProfiles(theirs, mine, rows, defaultChoices(rows));
    expect(merged.instances[0]!.root).toBe("UUID=0a1b");
    expect(merged.instances[2]!.name).toBe("db");
  });
});
