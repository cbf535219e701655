import { beforeEach, describe, expect, it } from "vitest";
import { exampleMachine, exampleProfile, loadExample } from "../test/fixtures";
import { assignCpus, renameInstance } from "./model/edits";
import { useStore, resetStore } from "../store";
import {
  assign,
  assignSelectionTo,
  draftFromHost,
  newDraft,
  fillCores,
  fillMemory,
  judgeDrop,
} from "./editor-actions";
import { persistDraft, restoreDraft } from "./draft-persistence";
import { missingHardware } from "./hardware";
import { importJson } from "../profiles/profile-actions";
import { profileToJson, type Profile } from "@tessera/core";

const exportJsonOf = (p: Profile) => JSON.stringify(profileToJson(p));

const s = () => useStore.getState();

describe("draft and history", () => {
  beforeEach(() => loadExample());

  it("derives owners and core's diagnostics from the draft", () => {
    expect(s().cpuOwner[4]).toBe(1);
    expect(s().diagnostics.map((d) => d.code)).toContain("DEV-INTX");
    expect(s().marks.device["serial@0x3f8"]).toBe("warning");
    expect(s().marks.errors).toBe(0);
  });

  it("undoes and redoes every edit", () => {
    s().edit((p) => assignCpus(p, 2, [7]));
    s().edit((p) => renameInstance(p, 2, "db"));
    expect(s().draft.instances[2]!.name).toBe("db");
    s().undo();
    expect(s().draft.instances[2]!.name).toBe("os3");
    expect(s().draft.instances[2]!.cpus).toContain(7);
    s().undo();
    expect(s().draft.instances[1]!.cpus).toEqual([4, 5, 6, 7]);
    s().redo();
    s().redo();
    expect(s().draft.instances[2]!.name).toBe("db");
    expect(s().future).toHaveLength(0);
  });

  it("coalesces typing into one undo step", () => {
    for (const name of ["d", "db", "db1"]) s().edit((p) => renameInstance(p, 2, name), "name:2");
    expect(s().past).toHaveLength(1);
    s().undo();
    expect(s().draft.instances[2]!.name).toBe("os3");
  });

  it("a new edit after undo drops the redo branch", () => {
    s().edit((p) => renameInstance(p, 1, "a"));
    s().undo();
    s().edit((p) => renameInstance(p, 1, "b"));
    expect(s().future).toHaveLength(0);
    s().redo();
    expect(s().draft.instances[1]!.name).toBe("b");
  });
});

describe("a draft from the machine as it runs", () => {
  beforeEach(() => loadExample());

  it("gives OS1 every core, all memory and every device, with no error, in a new history", () => {
    draftFromHost();
    const d = s().draft;
    expect(d.instances.map((i) => i.name)).toEqual(["os1"]);
    expect(d.instances[0]!.cpus).toHaveLength(exampleMachine().cpus.length);
    expect(d.instances[0]!.devices).toContain("serial@0x3f8");
    expect(d.instances[0]!.memory[0]!.start).toBe(0n);
    expect(s().diagnostics.filter((x) => x.severity === "error")).toEqual([]);
    // a new history: undo never brings back the draft it replaced (the console asked first)
    expect(s().past).toEqual([]);
    s().undo();
    expect(s().draft).toBe(d);
  });

  it("opening, importing or a new draft never lets undo cross into another profile", () => {
    s().edit((p) => renameInstance(p, 1, "edited"));
    expect(s().past.length).toBe(1);
    expect(importJson(JSON.stringify(profileToJson(exampleProfile())))).toBeNull();
    expect(s().past).toEqual([]);
    s().edit((p) => renameInstance(p, 1, "again"));
    newDraft();
    expect(s().past).toEqual([]);
    expect(s().source).toBeNull();
  });
});

describe("drops judged by validate() before they happen", () => {
  beforeEach(() => loadExample());

  it("CPU-CONTIGUOUS: giving os3 core 5 would split os2's run", () => {
    const v = judgeDrop({ kind: "cpus", ids: [5] }, 2);
    expect(v?.ok).toBe(false);
    expect(v?.reasons.join(" ")).toMatch(/CPU-CONTIGUOUS/);
    // judging does not change the draft
    expect(s().draft.instances[1]!.cpus).toEqual([4, 5, 6, 7]);
  });

  it("a range over reserved memory is refused with the reason", () => {
    const v = judgeDrop({ kind: "range", range: { start: 0xfec00000n, size: 0x200000n } }, 2);
    expect(v?.ok).toBe(false);
    expect(v?.reasons.length).toBeGreaterThan(0);
  });

  it("a valid move says so", () => {
    const v = judgeDrop({ kind: "cpus", ids: [7] }, 2);
    // 7 leaves os2 as 4-6 (still a run); os3 becomes 7,16-23 which is one run in present order
    expect(v).toEqual({ ok: true, reasons: [], moves: ["moves core 7 from os2"] });
  });

  it("assigns the keyboard selection to a slot as one undoable edit", () => {
    s().selectCpus([7], "replace", 7);
    expect(assignSelectionTo(2)).toBe(true);
    expect(s().draft.instances[2]!.cpus[0]).toBe(7);
    expect(Object.keys(s().selectedCpus)).toHaveLength(0);
    s().undo();
    expect(s().draft.instances[1]!.cpus).toEqual([4, 5, 6, 7]);
  });
});

describe("fill the rest", () => {
  it("gives a slot the next free run of cores and the largest free range (core's helpers)", () => {
    loadExample(false);
    s().edit((p) => ({
      ...p,
      instances: [...p.instances, { name: "os2", cpus: [], memory: [], devices: [] }],
    }));
    expect(fillCores(0, 4)).toBe(true);
    expect(s().draft.instances[0]!.cpus).toEqual([0, 1, 2, 3]);
    expect(fillCores(1, 4)).toBe(true);
    expect(s().draft.instances[1]!.cpus).toEqual([4, 5, 6, 7]);
    expect(fillMemory(1)).toBe(true);
    const r = s().draft.instances[1]!.memory[0]!;
    expect(r.start % (2n * 1024n * 1024n)).toBe(0n);
    expect(r.size).toBe(0x800000000n); // node 1's 32 GiB is the largest usable range
  });

  it("places a typed-size chunk at the first free fit", () => {
    loadExample();
    expect(assign({ kind: "chunk", size: 1n << 30n }, 2)).toBe(true);
    expect(s().draft.instances[2]!.memory).toContainEqual({ start: 0x300000000n, size: 1n << 30n });
  });
});

describe("draft persistence and foreign hardware", () => {
  it("an unsaved draft survives a reload", () => {
    loadExample();
    s().edit((p) => renameInstance(p, 1, "web"));
    s().setSource({ id: "abc", version: 3, name: "seed", base: exampleProfile() });
    persistDraft();
    resetStore();
    expect(s().draft.instances).toHaveLength(1);
    useStore.getState().setMachine(exampleMachine(), "f".repeat(16));
    restoreDraft();
    expect(s().draft.instances[1]!.name).toBe("web");
    expect(s().source).toMatchObject({ id: "abc", version: 3 });
  });

  it("a profile made for other hardware opens with a warning listing what no longer exists", () => {
    loadExample(false);
    const json = JSON.parse(exportJsonOf(exampleProfile())) as Record<string, unknown>;
    json.machineFingerprint = "0123456789abcdef";
    (json.instances as { devices: string[] }[])[2]!.devices.push("0000:7f:00.0");
    expect(importJson(JSON.stringify(json))).toBeNull();
    expect(s().staleHardware).toEqual(["os3: device 0000:7f:00.0"]);
    expect(s().draft.instances[2]!.devices).toContain("0000:7f:00.0");
    // the same profile for this machine opens without a warning
    json.machineFingerprint = "f".repeat(16);
    (json.instances as { devices: string[] }[])[2]!.devices.pop();
    importJson(JSON.stringify(json));
    expect(s().staleHardware).toBeNull();
  });

  it("import reports every parse problem with its path", () => {
    loadExample();
    const err = importJson(
      JSON.stringify({
        schema: "tessera/profile@1",
        name: "x",
        instances: [{ name: "a", cpus: ["z"], memory: [], devices: [] }],
      }),
    );
    expect(err).toMatch(/instances\[0\]\.cpus\[0\]/);
    expect(s().draft.name).toBe("seed-three-way");
  });

  it("lists what a profile names that this machine lacks", () => {
    const p = exampleProfile();
    p.instances[1]!.cpus = [4, 5, 99];
    p.instances[1]!.devices.push("0000:09:00.0");
    p.instances[1]!.memory.push({ start: 0xfec00000n, size: 0x1000n });
    expect(missingHardware(exampleMachine(), p)).toEqual([
      "os2: cores with LAPIC ID 99",
      "os2: device 0000:09:00.0",
      "os2: memory 0xfec0_0000–0xfec0_0fff (4 KiB) is not usable RAM here",
    ]);
  });
});

describe("a viewer's draft", () => {
  beforeEach(() => loadExample());

  it("does not change by editing, undo, a gesture or a drop; opening still works", () => {
    s().setUser({ name: "vera", role: "viewer" });
    const before = s().draft;
    s().edit((p) => renameInstance(p, 1, "mine"));
    s().beginMark();
    s().preview(renameInstance(before, 2, "dragged"));
    s().commitMark();
    expect(assign({ kind: "cpus", ids: [8] }, 1)).toBe(false);
    s().undo();
    expect(s().draft).toBe(before);
    expect(s().past).toEqual([]);
    s().loadDraft(exampleProfile(), null);
    expect(s().draft).not.toBe(before);
  });
});
