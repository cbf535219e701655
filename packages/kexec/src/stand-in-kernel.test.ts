// The demo's stand-in kernel: the image reader sees a usable bzImage labelled as a stand-in,
// the dry-run loader starts it, and every real loader refuses it with LOADER-STAND-IN before
// it runs anything (the mint and multikernel test doubles record no call; the direct loader
// writes nothing into the stand-in /dev/mem).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseMachine } from "@tessera/core";
import { afterEach, describe, expect, it } from "vitest";
import { makeHost } from "../test/direct-host";
import { successor } from "../test/plan-fixture";
import { callDir, calls, STAND_IN_KERF, STAND_IN_KEXEC } from "../test/stand-in";
import { inspectKernelBytes, standInBzImage } from "./bzimage";
import { createDirectLoader } from "./direct/direct-loader";
import { describeDirectFromFiles } from "./direct/image-files";
import { createDryRunLoader } from "./dry-run-loader";
import { collect } from "./event-stream";
import { createMintLoader } from "./mint-loader";
import { createMultikernelLoader } from "./multikernel-loader";
import {
  isStandInKernel,
  STAND_IN_KERNEL_LABEL,
  STAND_IN_KERNEL_VERSION,
  standInKernel,
} from "./stand-in-kernel";
import type { LoaderEvent } from "./types";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "tessera-stand-in-"));
  dirs.push(d);
  return d;
}
function standInFile(): string {
  const path = join(tempDir(), "tessera-stand-in.bzImage");
  writeFileSync(path, standInKernel());
  return path;
}
const result = (ev: LoaderEvent[]) => {
  expect(ev.filter((e) => e.type === "result")).toHaveLength(1);
  return ev.at(-1) as Extract<LoaderEvent, { type: "result" }>;
};
const logs = (ev: LoaderEvent[]) => ev.flatMap((e) => (e.type === "log" ? [e.line] : []));

describe("the stand-in kernel file", () => {
  it("is a usable bzImage header whose version string says it is not a kernel", () => {
    const ins = inspectKernelBytes(standInKernel());
    expect(ins.usable).toBe(true);
    expect(ins.header?.version).toBe(STAND_IN_KERNEL_VERSION);
    expect(ins.header?.version?.startsWith("tessera-stand-in (not a kernel)")).toBe(true);
    expect(ins.header?.payloadBytes).toBe(0);
    expect(isStandInKernel(ins.header)).toBe(true);
  });

  it("an unlabelled header is not taken for the stand-in", () => {
    expect(isStandInKernel(inspectKernelBytes(standInBzImage()).header)).toBe(false);
    expect(isStandInKernel(null)).toBe(false);
  });
});

describe("the dry-run loader accepts the stand-in", () => {
  it("loads and starts it to running, and its log names it a stand-in", async () => {
    const raw: unknown = JSON.parse(
      readFileSync(
        fileURLToPath(new URL("../../../examples/machine.json", import.meta.url)),
        "utf8",
      ),
    );
    const m = parseMachine(raw);
    if (!m.ok) throw new Error("examples/machine.json does not parse");
    const zero = { "loading-image": 0, purgatory: 0, "ipi-sent": 0, "kernel-booting": 0 };
    const l = createDryRunLoader({
      machine: m.value,
      onlineCpus: [0, 1],
      delays: { ...zero, "userspace-up": 0, running: 0 },
    });
    try {
      const kernel = standInFile();
      const load = await collect(l.load(successor({ kernel })));
      expect(result(load).ok).toBe(true);
      expect(logs(load).join("\n")).toContain(
        `${kernel} is Tessera's stand-in kernel (${STAND_IN_KERNEL_LABEL})`,
      );
      expect(result(await collect(l.start("web"))).ok).toBe(true);
      expect(await l.status("web")).toMatchObject({ state: "running" });
    } finally {
      l.close();
    }
  });
});

describe("the real loaders refuse the stand-in with LOADER-STAND-IN", () => {
  const refusal = (ev: LoaderEvent[]) => {
    const r = result(ev);
    if (r.ok) throw new Error("expected a refusal");
    return r.error;
  };

  it("mint: before kexec runs", async () => {
    const dir = callDir();
    dirs.push(dir);
    const kexecLoadedPath = join(dir, "kexec_loaded");
    writeFileSync(kexecLoadedPath, "0\n");
    const l = createMintLoader({
      binary: STAND_IN_KEXEC,
      kexecLoadedPath,
      env: { STANDIN_DIR: dir },
    });
    const kernel = standInFile();
    const err = refusal(await collect(l.load(successor({ kernel }))));
    expect(err.code).toBe("LOADER-STAND-IN");
    expect(err.message).toContain(`${kernel} is Tessera's stand-in kernel`);
    expect(err.message).toContain("mint loader cannot start it");
    expect(calls(dir)).toEqual([]);
    expect(await l.status("web")).toMatchObject({ state: "absent" });
  });

  it("multikernel: before kerf creates anything", async () => {
    const dir = callDir();
    const sysfs = tempDir();
    dirs.push(dir);
    const l = createMultikernelLoader({
      binary: STAND_IN_KERF,
      sysfsRoot: sysfs,
      env: { STANDIN_DIR: dir, KERF_SYSFS: sysfs },
    });
    const err = refusal(await collect(l.load(successor({ kernel: standInFile() }))));
    expect(err.code).toBe("LOADER-STAND-IN");
    expect(err.message).toContain("multikernel loader cannot start it");
    expect(calls(dir)).toEqual([]);
  });

  it("direct: before it writes a byte through /dev/mem", async () => {
    const h = await makeHost();
    writeFileSync(h.kernel, standInKernel());
    const l = createDirectLoader({ ...h.config });
    try {
      const err = refusal(await collect(l.load(h.os2())));
      expect(err.code).toBe("LOADER-STAND-IN");
      expect(err.message).toContain("direct loader cannot start it");
      expect(h.read(0x40000000n, 4096).every((b) => b === 0)).toBe(true);
      expect(h.ipis()).toEqual([]);
    } finally {
      await l.close();
    }
  });

  it("direct: the boot preview's description of the files refuses it too", async () => {
    const h = await makeHost();
    writeFileSync(h.kernel, standInKernel());
    await expect(describeDirectFromFiles(h.os2())).rejects.toMatchObject({
      code: "LOADER-STAND-IN",
    });
  });
});
