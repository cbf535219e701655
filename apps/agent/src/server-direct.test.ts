// `tessera serve --loader direct` as startServer builds it: the direct loader behind the
// agent, and every plan and validation made for it (its kernel options, mailbox pages, its
// rules). The loader's own steps are proven on real kernels in lab/ (QEMU); here nothing is
// started, so its host paths point at an empty temporary tree.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { standInBzImage } from "@tessera/kexec";
import {
  addUser,
  EXAMPLE_MACHINE,
  login,
  testEnv,
  type TestEnv,
} from "../test/integration/helpers";
import { startServer, type Started } from "./server";

let env: TestEnv | undefined;
let started: Started | undefined;
afterEach(async () => {
  await started?.app.close();
  env?.cleanup();
  started = undefined;
});

/** The example machine, with or without the TSC frequency discovery would read. */
function machineFile(dir: string, tscKhz: number | null): string {
  const m = JSON.parse(readFileSync(EXAMPLE_MACHINE, "utf8")) as Record<string, unknown>;
  m.platform = { tscKhz, x2apic: false };
  const path = join(dir, `machine-${tscKhz}.json`);
  writeFileSync(path, JSON.stringify(m));
  return path;
}

async function serveDirect(tscKhz: number | null) {
  env = testEnv();
  const host = join(env.dir, "host");
  mkdirSync(host);
  env.config.loader = "direct";
  env.config.loaderOptions = {
    procRoot: join(host, "proc"),
    sysRoot: join(host, "sys"),
    devMem: join(host, "mem"),
  };
  env.config.machineFile = machineFile(env.dir, tscKhz);
  const lines: string[] = [];
  started = await startServer(
    { ...env.config, port: 0, logLevel: "warn" },
    { out: (l) => lines.push(l), err: (l) => lines.push(l), env: {} },
  );
  await addUser(started.app, "olga", "operator");
  return { app: started.app, op: await login(started.app, "olga"), lines };
}

describe("the agent with the direct loader", () => {
  it("says so, and plans every successor for it: stock-kernel options, mailbox pages, the direct part", async () => {
    const { app, op, lines } = await serveDirect(2_600_000);
    expect(started!.loader.kind).toBe("direct");
    expect(lines.join("\n")).toContain("loader: direct");
    const settings = await app.inject({ method: "GET", url: "/api/settings", headers: op.headers });
    expect(settings.json().loader.kind).toBe("direct");
    const r = await app.inject({
      method: "POST",
      url: "/api/plan",
      headers: op.headers,
      payload: { profile: env!.profile },
    });
    expect(r.statusCode, r.body).toBe(200);
    const plan = r.json().plan;
    expect(plan.os1.options).toEqual(expect.arrayContaining(["iomem=relaxed", "hpet=disable"]));
    for (const s of plan.successors) {
      expect(s.direct.mailbox).toMatch(/^0x[0-9a-f]+$/);
      expect(s.options).toEqual(
        expect.arrayContaining(["acpi=off", "noapic", "nokaslr", "tsc_early_khz=2600000"]),
      );
      expect(s.options.some((o: string) => o.startsWith("maxcpus="))).toBe(false);
    }
  });

  it("shows what the direct loader will write and send, and its own script", async () => {
    const { app, op } = await serveDirect(2_600_000);
    const ask = () =>
      app.inject({
        method: "POST",
        url: "/api/plan",
        headers: op.headers,
        payload: { profile: env!.profile, format: "sh" },
      });
    // The stand-in kernel is a header alone: where its kernel would go cannot be said.
    const headerOnly = (await ask()).json();
    expect(headerOnly.commands[0]).toMatchObject({ load: null, start: [] });
    expect(headerOnly.commands[0].problem).toContain("no protected-mode kernel");
    expect(headerOnly.script).toBeNull();
    // With 128 KiB of kernel behind the header, every page has its place.
    const head = standInBzImage();
    head.writeUInt32LE(0x20000 / 16, 0x1f4); // syssize: the protected-mode part, in 16-byte units
    writeFileSync(env!.kernel, Buffer.concat([head, Buffer.alloc(0x20000, 0x90)]));
    // The 32-bit entry runs with paging off: os2 moves below 4 GiB, os3 stays above.
    const instances = env!.profile.instances as { memory: { start: string; size: string }[] }[];
    instances[0]!.memory = [{ start: "0x0", size: "1G" }];
    instances[1]!.memory = [{ start: "0x40000000", size: "512M" }];
    const r = await ask();
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    // The helper is built on first use: its path is a placeholder until then.
    expect(r.statusCode, r.body).toBe(200);
    expect(body).toMatchObject({ loader: "direct", mode: "template" });
    expect(body.commands.map((c: { name: string }) => c.name)).toEqual(["os2", "os3"]);
    expect(body.commands[1]).toMatchObject({ name: "os3", load: null, start: [] });
    expect(body.commands[1].problem).toContain("above 4 GiB");
    expect(body.scriptProblem).toContain("above 4 GiB");
    for (const [i, c] of body.commands.slice(0, 1).entries()) {
      const s = body.plan.successors[i];
      expect(c.problem, c.problem).toBeNull();
      expect(c.load).toEqual([]); // it runs no command to load: it writes the pages itself
      expect(c.start).toEqual([
        ["<tessera-apic>", "--mem", join(env!.dir, "host", "mem"), ...c.start[0].slice(3)],
      ]);
      expect(c.start[0][3]).toBe(`${s.bsp}:0x4500:10000`); // INIT to the successor's BSP
      expect(c.direct.writes.map((w: { what: string }) => w.what)).toEqual([
        "zero page",
        "command line",
        "kernel",
        "initrd",
        "trampoline",
        "mailbox",
      ]);
      expect(c.direct.writes[0].address).toBe(s.memMin);
      expect(c.direct.writes[5].address).toBe(s.direct.mailbox);
      expect(c.direct.mpTable).toMatchObject({ cpus: s.cpus, bsp: s.bsp });
      expect(c.direct.lines[0]).toContain(`write ${s.name} into ${s.memMin}`);
    }
    // With os3 below 4 GiB too, the script writes the same images through the helper.
    instances[2]!.memory = [{ start: "0x60000000", size: "256M" }];
    const both = (await ask()).json();
    expect(both.commands.map((c: { problem: string | null }) => c.problem)).toEqual([null, null]);
    expect(both.script).toContain("Tessera direct boot");
    expect(both.script).toContain(`file ${env!.kernel} `);
    expect(both.script).not.toContain("mint-kexec");
  });

  it("validates for it: an unknown TSC frequency is an error only the direct loader has", async () => {
    const { app, op } = await serveDirect(null);
    const r = await app.inject({
      method: "POST",
      url: "/api/validate",
      headers: op.headers,
      payload: { profile: env!.profile },
    });
    expect(r.statusCode, r.body).toBe(200);
    const codes = r.json().diagnostics.map((d: { code: string }) => d.code);
    expect(codes).toContain("DIRECT-TSC-UNKNOWN");
    expect(r.json().ok).toBe(false);
  });
});
