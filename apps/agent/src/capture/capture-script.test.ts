// scripts/capture.sh is for targets without Node.js. Its archive, unpacked, must discover as
// the same machine as the live host, under a POSIX sh and under busybox sh, and GNU tar and
// busybox tar must unpack the archive `tessera capture` writes.
// Tests may spawn: these run the real shells and tar programs an operator would run.
// eslint-disable-next-line no-restricted-imports -- runs the real shells and tar an operator would run
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { machineToJson, type Machine } from "@tessera/core";
import { discoverMachine } from "../discovery/index";
import { captureMachine } from "./index";

const script = resolve(import.meta.dirname, "../../../../scripts/capture.sh");
const BUSYBOX = "/bin/busybox";
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "tessera-capsh-"));
  dirs.push(d);
  return d;
}

function hardware(m: Machine): unknown {
  const j = machineToJson(m) as Record<string, unknown>;
  delete j.discovery;
  return j;
}

describe("scripts/capture.sh", () => {
  for (const shell of [["sh"], [BUSYBOX, "sh"]]) {
    it(`run by ${shell.join(" ")} captures a tree that discovers as the live machine`, async () => {
      expect(existsSync(BUSYBOX), "busybox missing: apt-get install busybox-static").toBe(true);
      const dir = await tmp();
      const out = join(dir, "capture.tar.gz");
      execFileSync(shell[0]!, [...shell.slice(1), script, "-o", out], { stdio: "pipe" });
      execFileSync("tar", ["-xzf", out, "-C", dir]);
      const live = await discoverMachine();
      const captured = await discoverMachine({ root: dir });
      expect(hardware(captured.machine)).toEqual(hardware(live.machine));
      expect(captured.machine.identity?.fingerprint).toBe(live.machine.identity?.fingerprint);
    });
  }
});

describe("tessera capture's archive", () => {
  for (const tar of [["tar"], [BUSYBOX, "tar"]]) {
    it(`unpacks with ${tar.join(" ")} to the same machine`, async () => {
      const dir = await tmp();
      const { archive } = await captureMachine();
      const file = join(dir, "c.tar.gz");
      await writeFile(file, archive);
      const into = join(dir, "tree");
      await mkdir(into);
      execFileSync(tar[0]!, [...tar.slice(1), "-xzf", file, "-C", into]);
      const live = await discoverMachine();
      const unpacked = await discoverMachine({ root: into });
      expect(hardware(unpacked.machine)).toEqual(hardware(live.machine));
    });
  }
});
