import { afterEach, describe, expect, it } from "vitest";
import { profileToJson } from "@tessera/core";
import { exampleProfile, loadExample } from "../test/fixtures";
import { standInAgent } from "../test/stand-in-agent";
import { useStore } from "../store";
import { renameInstance } from "../editor/model/edits";
import { followRoute, land } from "./landing";

const s = () => useStore.getState();
const record = {
  id: "p1",
  name: "lab",
  version: 3,
  active: true,
  updatedBy: "ada",
  updatedAt: null,
};
const instances = (state: string) => ({
  profileId: "p1",
  profileVersion: 3,
  instances: [
    {
      name: "os1",
      index: 1,
      role: "os1",
      state: "running",
      reason: null,
      since: null,
      phase: null,
      cpus: [0],
      locked: false,
      lastHeartbeat: null,
      profileVersion: 3,
      phases: [],
      deadline: null,
    },
    {
      name: "os2",
      index: 2,
      role: "successor",
      state,
      reason: null,
      since: null,
      phase: null,
      cpus: [4],
      locked: true,
      lastHeartbeat: null,
      profileVersion: 3,
      phases: [],
      deadline: null,
    },
  ],
});

afterEach(() => {
  location.hash = "";
});

describe("where the console lands after sign-in", () => {
  it("opens the active profile, and the Run page while a successor runs", async () => {
    loadExample(false);
    s().setProfiles([{ ...record, fingerprintMismatch: false, profile: null }]);
    standInAgent({
      "GET /api/profiles/p1": {
        status: 200,
        body: { ...record, profile: profileToJson(exampleProfile()) },
      },
      "GET /api/instances": { status: 200, body: instances("running") },
    });
    const stop = followRoute();
    await land(false);
    expect(s().source?.id).toBe("p1");
    expect(s().tab).toBe("run");
    expect(location.hash).toBe("#tab=run&profile=p1");
    stop();
  });

  it("a link to another profile asks before it drops unsaved work", async () => {
    loadExample();
    s().edit((p) => renameInstance(p, 1, "mine"));
    s().setProfiles([{ ...record, fingerprintMismatch: false, profile: null }]);
    location.hash = "#tab=machine&profile=p1";
    const agent = standInAgent({});
    const stop = followRoute();
    await land(true);
    expect(s().discardAsk?.lines[0]).toContain("has changes that are not saved");
    expect(s().draft.instances[1]!.name).toBe("mine");
    expect(agent.calls).toEqual([]);
    stop();
  });
});
