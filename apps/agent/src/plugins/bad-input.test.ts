// Bad input gets the registry's answer: 400 with a JSON path, 413, 415, 422 with diagnostics,
// 404 for unknown ids and routes, and a 5xx that carries neither stack nor stderr.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  operatorApp,
  OS1_VERSION,
  writeOs1Tree,
  type Login,
  type TestApp,
} from "../../test/integration/helpers";

let t: TestApp;
let op: Login;

beforeAll(async () => {
  ({ t, op } = await operatorApp());
});
afterAll(async () => {
  await t.app.close();
  t.env.cleanup();
});

describe("bad input", () => {
  it("answers malformed JSON with 400 BODY-MALFORMED", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/api/validate",
      headers: { ...op.headers, "content-type": "application/json" },
      payload: '{"profile": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("BODY-MALFORMED");
  });

  it("answers a body that breaks the schema with 400 and the JSON path", async () => {
    const res = await t.app.inject({
      method: "PUT",
      url: "/api/profiles/x",
      headers: op.headers,
      payload: { baseVersion: "one", profile: {} },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: "BODY-INVALID", path: "baseVersion" });
    const missing = await t.app.inject({
      method: "POST",
      url: "/api/plan",
      headers: op.headers,
      payload: {},
    });
    expect(missing.json().error.path).toBe("profile");
    const extra = await t.app.inject({
      method: "POST",
      url: "/api/plan",
      headers: op.headers,
      payload: { profile: t.env.profile, x: 1 },
    });
    expect(extra.json().error).toMatchObject({ code: "BODY-INVALID", path: "x" });
  });

  it("answers an oversized body with 413 and another media type with 415", async () => {
    const big = JSON.stringify({ profile: { name: "x".repeat(2 * 1024 * 1024) } });
    const res = await t.app.inject({
      method: "POST",
      url: "/api/validate",
      headers: { ...op.headers, "content-type": "application/json" },
      payload: big,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe("BODY-TOO-LARGE");
    const text = await t.app.inject({
      method: "POST",
      url: "/api/validate",
      headers: { ...op.headers, "content-type": "text/plain" },
      payload: "hello",
    });
    expect(text.statusCode).toBe(415);
  });

  it("validates drafts and refuses to plan an invalid layout with 422 and diagnostics", async () => {
    const good = await t.app.inject({
      method: "POST",
      url: "/api/validate",
      headers: op.headers,
      payload: { profile: t.env.profile },
    });
    expect(good.json().ok).toBe(true);
    const plan = await t.app.inject({
      method: "POST",
      url: "/api/plan",
      headers: op.headers,
      payload: { profile: t.env.profile },
    });
    expect(plan.statusCode).toBe(200);
    expect(plan.json().plan.successors[0].memMin).toBe("0x100000000");
    const sh = await t.app.inject({
      method: "POST",
      url: "/api/plan",
      headers: op.headers,
      payload: { profile: t.env.profile, format: "sh" },
    });
    expect(sh.json().script).toContain("--mem-min=0x100000000");
    const grubPlan = () =>
      t.app.inject({
        method: "POST",
        url: "/api/plan",
        headers: op.headers,
        payload: { profile: t.env.profile, format: "grub" },
      });
    // Nothing known of OS1's kernel and root: no entry, and why.
    expect((await grubPlan()).json()).toMatchObject({
      script: null,
      scriptProblem: expect.stringMatching(/^os1's kernel and root are not set in the profile/),
    });
    writeOs1Tree(t.env.config.grubRoot);
    const grub = await grubPlan();
    expect(grub.json().script).toMatch(/^menuentry 'Tessera: seed-three-way \(os1\)'/);
    expect(grub.json().script).toContain(`\tlinux\t'/boot/vmlinuz-${OS1_VERSION}' 'root=UUID=`);
    const bad = structuredClone(t.env.profile) as { instances: { cpus: number[] }[] };
    bad.instances[2]!.cpus = [4, 5];
    const v = await t.app.inject({
      method: "POST",
      url: "/api/validate",
      headers: op.headers,
      payload: { profile: bad },
    });
    expect(v.json().ok).toBe(false);
    expect(v.json().diagnostics.map((d: { code: string }) => d.code)).toContain("CPU-SHARED");
    const p = await t.app.inject({
      method: "POST",
      url: "/api/plan",
      headers: op.headers,
      payload: { profile: bad },
    });
    expect(p.statusCode).toBe(422);
    expect(p.json().error.code).toBe("LAYOUT-INVALID");
    expect(p.json().error.diagnostics.length).toBeGreaterThan(0);
  });

  it("merges the real kernel file's facts into validation", async () => {
    const prof = structuredClone(t.env.profile) as { instances: { kernel?: string }[] };
    prof.instances[1]!.kernel = join(t.env.config.dataDir, "kernels", "no-such-vmlinuz");
    const v = await t.app.inject({
      method: "POST",
      url: "/api/validate",
      headers: op.headers,
      payload: { profile: prof },
    });
    expect(
      v.json().diagnostics.find((d: { code: string }) => d.code === "FILE-MISSING")?.path,
    ).toMatch(/instances\[1\]/);
  });

  it("404s unknown routes and instances", async () => {
    const r = await t.app.inject({ url: "/api/nothing-here", headers: op.headers });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe("NOT-FOUND");
    const i = await t.app.inject({
      method: "POST",
      url: "/api/instances/os9/start",
      headers: op.headers,
    });
    expect(i.statusCode).toBe(409); // no active profile yet
    expect(i.json().error.code).toBe("NO-ACTIVE-PROFILE");
  });

  it("never sends a stack or stderr in a 5xx", async () => {
    const original = t.app.tessera.profiles.list;
    t.app.tessera.profiles.list = () => {
      throw new Error("kexec: stderr: secret detail at /root/x.c:42");
    };
    try {
      const res = await t.app.inject({ url: "/api/profiles", headers: op.headers });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({
        error: {
          code: "INTERNAL",
          message: "The agent hit an internal error; the details are in its log.",
        },
      });
    } finally {
      t.app.tessera.profiles.list = original;
    }
  });
});
