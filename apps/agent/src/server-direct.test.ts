// `tessera serve --loader direct` as startServer builds it: the direct loader behind the
// agent, and every plan and validation made for it (its kernel options, mailbox pages, its
// rules). The loader's own steps are proven on real kernels in lab/ (QEMU); here nothing is
// started, so its host paths point at an empty temporary tree.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
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
