import { describe, expect, it } from "vitest";
import { ownEntry } from "./own-entry";

describe("ownEntry", () => {
  it("finds a record's own entries and never Object.prototype's members", () => {
    const facts: Record<string, number> = { "/boot/vmlinuz": 1 };
    expect(ownEntry(facts, "/boot/vmlinuz")).toBe(1);
    expect(ownEntry(facts, "valueOf")).toBeUndefined();
    expect(ownEntry(facts, "constructor")).toBeUndefined();
    expect(ownEntry(undefined, "valueOf")).toBeUndefined();
  });
});
