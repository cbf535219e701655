// The guest script RUNS here under busybox sh (Debian's static busybox from the test cache),
// with test doubles for devmem/taskset/sleep/sync/halt (test/guest-doubles.sh) and a file
// in place of /proc/cmdline. The QEMU proof runs the same script in a real successor.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fetchDebian } from "../../test/debian-kernel";
import { directGuestScript } from "./guest-script";
import { MAILBOX_MAGIC } from "./mailbox";

const DOUBLES = fileURLToPath(new URL("../../test/guest-doubles.sh", import.meta.url));
const MB = 0x3ffff000;

function busybox(): string {
  const cached = fetchDebian().busybox;
  if (existsSync(cached)) return cached;
  throw new Error(`no busybox at ${cached}`);
}

interface Run {
  dir: string;
  done: Promise<{ code: number | null; stderr: string }>;
  get(addr: number): number;
  set(addr: number, v: number): void;
  calls(): string[];
  kill(): void;
}

function run(
  cmdline: string,
  mem: Record<number, number> = { [MB]: MAILBOX_MAGIC, [MB + 4]: 1, [0xfee00350]: 0x700 },
  prepare: (dir: string) => void = () => {},
): Run {
  const dir = mkdtempSync(join(tmpdir(), "guest-"));
  const script = join(dir, "guest.sh");
  writeFileSync(script, directGuestScript());
  writeFileSync(join(dir, "cmdline"), cmdline + "\n");
  const set = (a: number, v: number) => writeFileSync(join(dir, a.toString(16)), `${v}\n`);
  for (const [a, v] of Object.entries(mem)) set(Number(a), v);
  prepare(dir);
  const child = spawn(busybox(), ["sh", "-c", `. "${DOUBLES}"; . "${script}"`], {
    env: {
      PATH: process.env.PATH,
      TESSERA_TEST_MEM: dir,
      TESSERA_CMDLINE_FILE: join(dir, "cmdline"),
    },
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, stderr })),
  );
  return {
    dir,
    done,
    get: (a) => {
      const f = join(dir, a.toString(16));
      return existsSync(f) ? Number(readFileSync(f, "utf8").trim()) : 0;
    },
    set,
    kill: () => child.kill("SIGKILL"),
    calls: () =>
      existsSync(join(dir, "calls"))
        ? readFileSync(join(dir, "calls"), "utf8").trim().split("\n")
        : [],
  };
}

async function until(cond: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("directGuestScript under busybox sh", () => {
  it("masks LVT0 on CPU 0 (read-modify-write), reports it, boots, beats, then on a stop request syncs, acknowledges and waits for INIT", async () => {
    const r = run(`console=ttyS1 tessera.mailbox=0x${MB.toString(16)} quiet`);
    await until(() => r.get(MB + 0x0c) >= 3);
    expect(r.get(0xfee00350)).toBe(0x10700); // bit 16 set, the other bits kept
    expect(r.get(MB + 0x14)).toBe(1);
    expect(r.get(MB + 0x08)).toBe(2);
    const calls = r.calls();
    // LVT0 is read and written pinned to CPU 0 (mask 1), before anything is reported
    const lvtWrite = calls.indexOf("devmem 0xfee00350 32 67328");
    expect(lvtWrite).toBeGreaterThan(0);
    expect(calls.slice(0, lvtWrite)).toContain("taskset 1");
    expect(calls.indexOf(`devmem 0x${(MB + 0x14).toString(16)} 32 1`)).toBeGreaterThan(lvtWrite);
    // state 1 then state 2
    const s1 = calls.indexOf(`devmem 0x${(MB + 8).toString(16)} 32 1`);
    const s2 = calls.indexOf(`devmem 0x${(MB + 8).toString(16)} 32 2`);
    expect(s1).toBeGreaterThan(0);
    expect(s2).toBeGreaterThan(s1);
    expect(calls).toContain("sleep 1");

    r.set(MB + 0x10, 1);
    await until(() => r.get(MB + 0x08) === 3 && r.calls().includes("sleep 60"));
    const beats = r.get(MB + 0x0c);
    await new Promise((res) => setTimeout(res, 200));
    expect(r.get(MB + 0x0c)).toBe(beats); // no heartbeat after the acknowledgement
    r.kill();
    await r.done;
    const after = r.calls();
    const sync = after.indexOf("sync");
    const ack = after.indexOf(`devmem 0x${(MB + 8).toString(16)} 32 3`);
    expect(sync).toBeGreaterThan(0);
    expect(ack).toBeGreaterThan(sync);
    // it waits for OS1's INIT: it neither halts nor reboots
    expect(after.some((c) => c.startsWith("halt") || c.startsWith("reboot"))).toBe(false);
  }, 20_000);

  it("without tessera.mailbox= on the command line it says so and exits 2", async () => {
    const r = run("console=ttyS1 quiet");
    const { code, stderr } = await r.done;
    expect(code).toBe(2);
    expect(stderr).toMatch(/no tessera.mailbox=0xADDRESS/);
  });

  it("refuses a page without the mailbox magic and writes nothing", async () => {
    const r = run(`tessera.mailbox=0x${MB.toString(16)}`, { [MB]: 0 });
    const { code, stderr } = await r.done;
    expect(code).toBe(3);
    expect(stderr).toMatch(/no Tessera mailbox/);
    expect(r.calls().filter((c) => / 32 \d+$/.test(c))).toEqual([]);
  });

  it("a kernel whose local APIC timer failed its boot check reports state 4 and leaves LVT0 alone", async () => {
    const r = run(`tessera.mailbox=0x${MB.toString(16)}`, undefined, (dir) =>
      writeFileSync(
        join(dir, "dmesg"),
        "[    0.755740] APIC timer disabled due to verification failure\n",
      ),
    );
    const { code, stderr } = await r.done;
    expect(code).toBe(5);
    expect(stderr).toMatch(/disabled its local APIC timer/);
    expect(r.get(MB + 0x08)).toBe(4);
    // LVT0 untouched (its PIT tick is the only timer it has) and never reported masked.
    expect(r.get(0xfee00350)).toBe(0x700);
    expect(r.get(MB + 0x14)).toBe(0);
  });

  it("never reports LVT0 masked when it cannot mask it", async () => {
    // LVT0 that cannot be written: the double's file for 0xfee00350 is a directory.
    const r = run(`tessera.mailbox=0x${MB.toString(16)}`, { [MB]: MAILBOX_MAGIC }, (dir) =>
      mkdirSync(join(dir, "fee00350")),
    );
    const { code } = await r.done;
    expect(code).toBe(4);
    expect(r.get(MB + 0x14)).toBe(0);
    expect(r.get(MB + 0x08)).toBe(0);
  });
});
