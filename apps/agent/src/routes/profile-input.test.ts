// One profile format for every reader: the `tessera` command line (core's codec) and the
// agent's API (core's JSON Schema, then the same codec) accept exactly the same profiles and
// name the same place in a refused one. Every field of an instance, and the profile's own,
// is set in turn to values of every JSON kind and to each form a size can take.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProfile } from "../cli/load-inputs";
import { memoryIo } from "../cli/io";
import { operatorApp, REPO, type Login, type TestApp } from "../../test/integration/helpers";

type Json = unknown;

const VALUES: Json[] = [
  4096,
  2 ** 60,
  -1,
  1.5,
  "4096",
  "0x1000",
  "4K",
  " 8G ",
  "12Q",
  "",
  " ",
  "x",
  true,
  null,
  [],
  {},
];

/** Places in the example profile to overwrite, as paths into its JSON (os2, then the top). */
const PLACES: (string | number)[][] = [
  ["name"],
  ["schema"],
  ["machineFingerprint"],
  ["instances", 1, "name"],
  ["instances", 1, "cpus"],
  ["instances", 1, "cpus", 0],
  ["instances", 1, "memory"],
  ["instances", 1, "memory", 0],
  ["instances", 1, "memory", 0, "start"],
  ["instances", 1, "memory", 0, "size"],
  ["instances", 1, "lowMemory"],
  ["instances", 1, "lowMemory", "size"],
  ["instances", 1, "devices"],
  ["instances", 1, "devices", 0],
  ["instances", 1, "kernel"],
  ["instances", 1, "initrd"],
  ["instances", 1, "cmdline"],
  ["instances", 1, "colour"],
];

function withValue(base: Json, place: (string | number)[], value: Json): Json {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let at = copy;
  for (const key of place.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[place.at(-1)!] = value;
  return copy;
}

function jsonPath(place: (string | number)[]): string {
  return place.map((k, i) => (typeof k === "number" ? `[${k}]` : i ? `.${k}` : k)).join("");
}

describe("the command line and the API", () => {
  let t: TestApp;
  let op: Login;
  beforeAll(async () => {
    ({ t, op } = await operatorApp());
  });
  afterAll(() => t.app.close());

  const base = JSON.parse(readFileSync(join(REPO, "examples/profile.json"), "utf8")) as {
    instances: Record<string, unknown>[];
  };
  // A low slice, so that its fields are there to overwrite.
  base.instances[1]!.lowMemory = { start: "0x80000", size: "64K" };

  async function both(profile: Json) {
    const io = memoryIo({ "p.json": JSON.stringify(profile) });
    const cli = await loadProfile(io, "p.json");
    const res = await t.app.inject({
      method: "POST",
      url: "/api/validate",
      headers: op.headers,
      payload: { profile: profile as object },
    });
    return {
      cli: cli.ok ? null : cli.message,
      api: res.statusCode === 200 ? null : (res.json().error as { code: string; path: string }),
      status: res.statusCode,
    };
  }

  it("accept the example as it is", async () => {
    expect(await both(base)).toMatchObject({ cli: null, api: null });
  });

  it("accept and refuse the same profiles, naming the same path", async () => {
    const disagree: string[] = [];
    let refused = 0;
    for (const place of PLACES) {
      for (const value of VALUES) {
        const { cli, api, status } = await both(withValue(base, place, value));
        const where = `${jsonPath(place)} = ${JSON.stringify(value)}`;
        if (status !== 200 && status !== 400) disagree.push(`${where}: status ${status}`);
        else if ((cli === null) !== (api === null))
          disagree.push(
            `${where}: command line ${cli ?? "accepts"}, API ${api?.path ?? "accepts"}`,
          );
        else if (cli !== null && api !== null) {
          refused++;
          // The command line names the file, then the first problem's path.
          const cliPath = /^p\.json: ([^:]*):/.exec(cli)?.[1];
          const apiPath = api.path.replace(/^profile\.?/, "");
          if (api.code !== "BODY-INVALID" || cliPath !== (apiPath || "(top)"))
            disagree.push(`${where}: command line at ${cliPath}, API ${api.code} at ${apiPath}`);
        }
      }
    }
    expect(disagree).toEqual([]);
    // Most of these values are wrong somewhere: the comparison is not between two yes-men.
    expect(refused).toBeGreaterThan(PLACES.length * 4);
  });
});
