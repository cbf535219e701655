// Capture packs exactly what discovery read, so discover --root on the unpacked archive gives
// the same machine. (The archive is node-tar's ustar+pax, gzip-compressed: GNU tar and busybox
// tar unpack it too, see capture-script.test.ts.)
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { machineToJson } from "@tessera/core";
import { discoverMachine } from "../discovery/index";
import { captureMachine, packTar, readTar, unpackCapture } from "./index";
import { QEMU_TREE } from "../../test/fixture-paths";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

// The hardware must match; discovery notes may not (a non-root capture cannot pack the files
// it could not read, so their "permission denied" problems do not come back from the tree).
function sameMachine(a: unknown, b: unknown) {
  const strip = (m: unknown) => {
    const j = machineToJson(m as never) as Record<string, unknown>;
    delete j.discovery;
    return j;
  };
  expect(strip(a)).toEqual(strip(b));
}

describe("capture", () => {
  it("of the live host unpacks to a tree that discovers as the same machine with the same fingerprint", async () => {
    const live = await discoverMachine();
    const { archive, files } = await captureMachine();
    expect(files).toEqual(live.files);
    const dir = await mkdtemp(join(tmpdir(), "tessera-cap-"));
    dirs.push(dir);
    await unpackCapture(archive, dir);
    const again = await discoverMachine({ root: dir });
    sameMachine(again.machine, live.machine);
    expect(again.machine.identity?.fingerprint).toBe(live.machine.identity?.fingerprint);
    expect(again.machine.discovery?.source).toBe("capture");
  });

  it("of the QEMU capture holds every file discovery read there, byte for byte (config: its first 256 bytes), and symlinks as symlinks", async () => {
    const { archive, files } = await captureMachine({ root: QEMU_TREE, mtime: 0 });
    const entries = readTar(archive);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    for (const f of files) {
      const e = byPath.get(f.slice(1));
      expect(e, f).toBeDefined();
      if (e?.type !== "file") continue;
      const onDisk = await readFile(join(QEMU_TREE, f));
      expect(e.data.equals(f.endsWith("/config") ? onDisk.subarray(0, 256) : onDisk), f).toBe(true);
    }
    expect(byPath.get("sys/bus/pci/devices/0000:00:02.0")).toEqual({
      type: "symlink",
      path: "sys/bus/pci/devices/0000:00:02.0",
      target: "../../../devices/pci0000:00/0000:00:02.0",
    });
  });

  it("writes paths longer than 100 bytes through the ustar prefix or a pax record and reads them back", async () => {
    const long =
      "sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.0/0000:02:01.0/0000:03:00.0/0000:04:00.0/msi_irqs/123";
    const longer = "x".repeat(120) + "/" + "y".repeat(120);
    const back = readTar(
      await packTar(
        [
          { type: "file", path: long, data: Buffer.from("msix\n") },
          { type: "file", path: longer, data: Buffer.from("z") },
        ],
        0,
        false,
      ),
    );
    expect(back.map((e) => e.path)).toEqual([long, longer]);
  });
});
