// Helpers around the stand-in executables (test doubles; see the .sh files).
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const STAND_IN_KEXEC = fileURLToPath(new URL("./stand-in-kexec.sh", import.meta.url));
export const STAND_IN_KERF = fileURLToPath(new URL("./stand-in-kerf.sh", import.meta.url));

export function callDir(): string {
  return mkdtempSync(join(tmpdir(), "tessera-standin-"));
}

/** The argv of every recorded call, in call order (argv[0] excluded, as the script sees it). */
export function calls(dir: string): string[][] {
  return readdirSync(dir)
    .filter((f) => /^call-[0-9]+$/.test(f))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
    .map((f) => {
      const raw = readFileSync(join(dir, f), "utf8");
      return raw === "" ? [] : raw.slice(0, -1).split("\0");
    });
}
