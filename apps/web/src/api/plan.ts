// The boot plan as the agent makes it (API.md "POST /api/plan"): with its loader settings and
// live facts, so the loader commands are exactly what it would run.
import { profileToJson, type PlanAnswer, type Profile } from "@tessera/core";
import { ApiError, request } from "./client";

/** The answer with format "sh": the loader's own commands and, when it can be written, the script. */
export type AgentCommands = Omit<PlanAnswer, "plan">;

export function agentCommands(profile: Profile): Promise<AgentCommands> {
  return request<AgentCommands>("POST", "/api/plan", {
    profile: profileToJson(profile),
    format: "sh",
  });
}

/** A finding the agent adds with its live facts (files on this host, cores online, OS1). */
export interface HostFinding {
  code: string;
  severity: "error" | "warning" | "info";
  path: string;
  message: string;
  hint?: string;
  instance?: string | null;
}

/**
 * The agent's verdict on a draft with its live facts: its findings when it refuses the plan
 * (422 LAYOUT-INVALID), none when it would run it. Other failures throw.
 */
export async function hostFindings(profile: Profile): Promise<HostFinding[]> {
  try {
    await agentCommands(profile);
    return [];
  } catch (e) {
    if (e instanceof ApiError && e.code === "LAYOUT-INVALID")
      return (e.body?.diagnostics ?? []) as HostFinding[];
    throw e;
  }
}
