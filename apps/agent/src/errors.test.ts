// The registry (src/errors.ts) and its documentation (ERRORS.md) list the same codes with the
// same HTTP statuses.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AgentError, ERRORS, errorBody, jsonPath } from "./errors";

const doc = readFileSync(new URL("../ERRORS.md", import.meta.url), "utf8");
const rows = [...doc.matchAll(/^\|\s*`([A-Z0-9-]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => ({
  code: m[1]!,
  status: Number(m[2]),
}));

describe("error registry", () => {
  it("documents every code once with its status, and nothing else", () => {
    const documented = rows.map((r) => r.code);
    expect(new Set(documented).size).toBe(documented.length);
    expect(documented.sort()).toEqual(Object.keys(ERRORS).sort());
    for (const r of rows)
      expect(r.status, r.code).toBe(ERRORS[r.code as keyof typeof ERRORS].status);
  });

  it("builds bodies with only the fields that apply", () => {
    const e = new AgentError("BODY-INVALID", { path: "profile.name" });
    expect(errorBody(e)).toEqual({
      error: {
        code: "BODY-INVALID",
        message: ERRORS["BODY-INVALID"].message,
        path: "profile.name",
      },
    });
  });

  it("turns Ajv paths into Tessera JSON paths", () => {
    expect(jsonPath("/profile/instances/1/cpus/0")).toBe("profile.instances[1].cpus[0]");
    expect(jsonPath("", "baseVersion")).toBe("baseVersion");
  });
});
