// The direct loader's in-process cost of building a successor's images (zero page, command
// line, kernel slice, initrd, trampoline, mailbox, MP table) for a 10 MiB kernel and a
// 20 MiB initrd. Target: under 100 ms. Peer: one plain Buffer copy of the same 30 MiB.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { report, median, percentile } from "../../../scripts/bench-report";
import { bzImageWithPayload, directSuccessor } from "../test/direct-fixture";
import { readDirectImages } from "../src/direct/image-files";
import { buildDirectImages } from "../src/direct/images";

const MiB = 1024 * 1024;
const kernel = bzImageWithPayload(10 * MiB);
const initrd = Buffer.alloc(20 * MiB, 0x5a);
const plan = directSuccessor();

async function time(f: () => unknown, runs = 40): Promise<number[]> {
  for (let i = 0; i < 5; i++) await f();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await f();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

let bytes = 0;
const build = await time(() => {
  const img = buildDirectImages({ plan, kernel, initrd });
  bytes = img.writes.reduce((n, w) => n + w.bytes.length, 0);
});
const copy = await time(() => {
  const out = Buffer.allocUnsafe(kernel.length + initrd.length);
  kernel.copy(out, 0);
  initrd.copy(out, kernel.length);
});
report({
  area: "kexec",
  name: "direct: build images, 10 MiB kernel + 20 MiB initrd (median)",
  value: median(build),
  unit: "ms",
  target: 100,
  kind: "max",
  note: `${(bytes / MiB).toFixed(1)} MiB to write, kernel and initrd not copied; p95 ${percentile(build, 95).toFixed(3)} ms; peer: one Buffer copy of the same 30 MiB ${median(copy).toFixed(3)} ms`,
});

// What load does before its first write: read both files and build.
const dir = mkdtempSync(join(tmpdir(), "direct-bench-"));
writeFileSync(join(dir, "vmlinuz"), kernel);
writeFileSync(join(dir, "initrd"), initrd);
const filePlan = directSuccessor({ kernel: join(dir, "vmlinuz"), initrd: join(dir, "initrd") });
const fromFiles = await time(() => readDirectImages(filePlan), 20);
report({
  area: "kexec",
  name: "direct: read kernel + initrd files and build images (median)",
  value: median(fromFiles),
  unit: "ms",
  target: 100,
  kind: "max",
  note: `files in ${tmpdir()} (page cache); p95 ${percentile(fromFiles, 95).toFixed(3)} ms; peer: Buffer copy of 30 MiB ${median(copy).toFixed(3)} ms`,
});
