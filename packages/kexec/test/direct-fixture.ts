// A hand-written successor planned for the direct loader (the shape core's planner makes
// under loader "direct"), and a small bzImage-shaped file around the stand-in header.
import { standInBzImage } from "../src/bzimage";
import { LoaderFailure } from "../src/errors";
import type { DirectPlan } from "../src/direct/plan-shape";
import { successor } from "./plan-fixture";

export function directSuccessor(over: Partial<DirectPlan> = {}): DirectPlan {
  const base = successor({
    name: "os2",
    bsp: 1,
    cpus: [1, 2],
    cpuCount: 2,
    cmdline:
      "acpi=off pci=off noapic nokaslr tsc_early_khz=2300000 tsc=reliable no_ipi_broadcast=1 panic=0 iomem=relaxed tessera.mailbox=0x3ffff000",
  });
  return {
    ...base,
    direct: {
      mailbox: 0x3ffff000n,
      mpTable: 0x380n,
      console: { port: 0x2f8, tty: "ttyS1" },
      tscKhz: 2300000,
    },
    ...over,
  };
}

/** The stand-in header followed by `payload` bytes of protected-mode "kernel" (a pattern). */
export function bzImageWithPayload(payload: number): Buffer {
  const head = standInBzImage();
  head.writeUInt32LE(Math.ceil(payload / 16), 0x1f4);
  const body = Buffer.alloc(payload);
  for (let i = 0; i < payload; i++) body[i] = (i * 7 + 3) & 0xff;
  return Buffer.concat([head, body]);
}

/** Runs f and returns the LoaderFailure it throws (fails the test when it does not). */
export async function collectFailure(f: () => unknown): Promise<LoaderFailure> {
  try {
    await f();
  } catch (err) {
    if (err instanceof LoaderFailure) return err;
    throw err;
  }
  throw new Error("expected a LoaderFailure");
}
