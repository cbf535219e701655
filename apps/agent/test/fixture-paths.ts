// Where the hardware fixtures live (each folder has a SOURCES.md with its provenance).
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures");
export const fixture = (...parts: string[]) => join(FIXTURES, ...parts);
/** The tree scripts/capture.sh captured inside Debian's kernel under QEMU q35. */
export const QEMU_TREE = fixture("qemu-q35-2s-8cpu", "tree");
/** The same QEMU machine booted like OS1 (maxcpus=6 mem=1G): cpus 6, 7 and node 1 RAM hidden from sysfs. */
export const QEMU_OS1_TREE = fixture("qemu-q35-2s-8cpu-maxcpus6-mem1g", "tree");

/** Real published samples for the discovery/import corpus test (test/corpus/SOURCES.md). */
export const CORPUS = join(dirname(fileURLToPath(import.meta.url)), "corpus");
export const corpus = (...parts: string[]) => join(CORPUS, ...parts);
