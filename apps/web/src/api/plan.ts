// The boot plan as the agent makes it (API.md "POST /api/plan"): with its loader settings and
// live facts, so the loader commands are exactly what it would run.
import { profileToJson, type PlanAnswer, type Profile } from "@tessera/core";
import { request } from "./client";

/** The answer with format "sh": the loader's own commands and, when it can be written, the script. */
export type AgentCommands = Omit<PlanAnswer, "plan">;

export function agentCommands(profile: Profile): Promise<AgentCommands> {
  return request<AgentCommands>("POST", "/api/plan", {
    profile: profileToJson(profile),
    format: "sh",
  });
}
