// The discovered machine (API.md "GET /api/machine"), parsed with core's codec.
import { parseMachine, type Machine } from "@tessera/core";
import { ApiError, request } from "./client";

export async function getMachine(): Promise<{ machine: Machine; fingerprint: string }> {
  const r = await request<{ machine: unknown; fingerprint: string }>("GET", "/api/machine");
  const parsed = parseMachine(r.machine);
  if (!parsed.ok) {
    throw new ApiError(
      200,
      "MACHINE-UNREADABLE",
      "The agent sent a machine the console cannot read.",
      parsed.errors.map((e) => `${e.path}: ${e.message}`).join("; "),
    );
  }
  return { machine: parsed.value, fingerprint: r.fingerprint };
}
