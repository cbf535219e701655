// Random and hostile bodies (fast-check) against every route that takes one, signed in as an
// admin (every role check passes, so the body itself is what is judged): the answer is never
// a 5xx, every 4xx has the documented shape with a registry code, and the agent keeps
// answering.
import { Ajv } from "ajv";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, login, testApp, type Login, type TestApp } from "../../test/integration/helpers";
import { ERRORS, errorBodySchema } from "../errors";

const validBody = new Ajv({ strict: false }).compile(errorBodySchema);

let t: TestApp;
let admin: Login;
let profileId: string;

beforeAll(async () => {
  t = await testApp();
  await addUser(t.app, "ada", "admin");
  admin = await login(t.app, "ada");
  const rec = await t.app.inject({
    method: "POST",
    url: "/api/profiles",
    headers: admin.headers,
    payload: { profile: t.env.profile },
  });
  profileId = rec.json().id as string;
});
afterAll(async () => {
  await t.app.close();
  t.env.cleanup();
});

/** Route parameters: real ids where they exist, never the signed-in admin as a target. */
function concrete(url: string): string {
  return url
    .replace(":id", profileId)
    .replace(":v", "1")
    .replace(":name", url.startsWith("/api/users") ? "someone-else" : "os2");
}

const hostileText = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "\n}\nmenuentry 'x' {",
    "\u0000",
    "${IFS}",
    "$(reboot)",
    "../../../../etc/shadow",
    "/dev/zero",
    "x".repeat(5000),
    "__proto__",
    "constructor",
    "0x" + "f".repeat(40),
    "1e400",
    "-0",
    "NaN",
  ),
);

const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    hostileText,
    fc.integer(),
    fc.double(),
    fc.constantFrom(null, true, false, 2 ** 53 + 1, -1, 1e308, Number.MAX_SAFE_INTEGER),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileText, fc.constantFrom("__proto__", "profile")), tie("value"), {
      maxKeys: 4,
    }),
  ),
})).value;

const FIELDS = [
  "profile",
  "username",
  "password",
  "name",
  "role",
  "baseVersion",
  "oneTime",
  "force",
  "format",
  "event",
  "schema",
  "instances",
];

/** A valid example profile with one field somewhere replaced by a hostile value. */
const mutatedProfile = fc
  .tuple(
    fc.integer({ min: 0, max: 2 }),
    fc.constantFrom(
      "name",
      "cpus",
      "memory",
      "devices",
      "kernel",
      "initrd",
      "cmdline",
      "lowMemory",
    ),
    hostileValue,
  )
  .map(([i, key, v]) => {
    const p = structuredClone(t.env.profile) as { instances: Record<string, unknown>[] };
    p.instances[i]![key] = v;
    return { profile: p, baseVersion: 1, name: "copy" };
  });

/** The same, with values of the right type: they pass the schema and reach the rules. */
const quantity = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n + 5n }).map((n) => `0x${n.toString(16)}`),
  fc.constantFrom("0", "4096", "1G", "16E", "0x0", "512M"),
);
const typedProfile = fc
  .tuple(
    fc.integer({ min: 0, max: 2 }),
    // The body shapes of /api/validate and POST /api/profiles, PUT, import, /api/plan.
    fc.constantFrom("wrapped", "versioned", "bare", "grub"),
    fc.record(
      {
        name: hostileText,
        cpus: fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 20 }),
        memory: fc.array(fc.record({ start: quantity, size: quantity }), { maxLength: 4 }),
        devices: fc.array(hostileText, { maxLength: 4 }),
        kernel: hostileText,
        initrd: hostileText,
        cmdline: hostileText,
      },
      { requiredKeys: [] },
    ),
  )
  .map(([i, shape, over]) => {
    const p = structuredClone(t.env.profile) as { instances: Record<string, unknown>[] };
    Object.assign(p.instances[i]!, over);
    if (shape === "bare") return p;
    if (shape === "versioned") return { profile: p, baseVersion: 1 };
    return shape === "grub" ? { profile: p, format: "grub" } : { profile: p };
  });

const body = fc.oneof(
  typedProfile.map((v) => JSON.stringify(v)),
  hostileValue.map((v) => JSON.stringify(v) ?? "null"),
  fc
    .dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 5 })
    .map((v) => JSON.stringify(v)),
  mutatedProfile.map((v) => JSON.stringify(v)),
  // Not JSON at all, or cut short.
  fc.string().map((s) => `{"profile": ${s}`),
  fc.constantFrom("", "{", "[", '{"__proto__": {"admin": true}}', '{"a":1,"a":2}'),
);

describe("fuzzing every route that takes a body", () => {
  it("never answers 5xx, answers 4xx in the documented shape, and stays responsive", async () => {
    const routes = t.app.routeTable.filter(
      (r) => ["POST", "PUT", "PATCH"].includes(r.method) && r.url.startsWith("/api/"),
    );
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      const url = concrete(route.url);
      await fc.assert(
        fc.asyncProperty(body, async (payload) => {
          const res = await t.app.inject({
            method: route.method as "POST",
            url,
            headers: { ...admin.headers, "content-type": "application/json" },
            payload,
          });
          const where = `${route.method} ${url} ${payload.slice(0, 200)} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
          expect(res.statusCode, where).toBeLessThan(500);
          if (res.statusCode >= 400) {
            const json = res.json();
            expect(validBody(json), where).toBe(true);
            expect(ERRORS[json.error.code as keyof typeof ERRORS].status, where).toBe(
              res.statusCode,
            );
          }
        }),
        { numRuns: 25 },
      );
      // Still answering, promptly.
      const started = Date.now();
      const alive = await t.app.inject({ url: "/api/session", headers: admin.headers });
      expect(alive.statusCode, `after ${route.method} ${url}`).toBe(200);
      expect(Date.now() - started).toBeLessThan(2000);
    }
  }, 300_000);
});
