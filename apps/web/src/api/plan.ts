// The boot plan as the agent makes it (API.md "POST /api/plan"): with its loader settings and
// live facts, so the loader commands are exactly what it would run.
import { profileToJson, type Profile } from "@tessera/core";
import { request } from "./client";

export interface AgentCommands {
  loader: string;
  commands: { name: string; load: string[] | null; start: string[]; problem: string | null }[];
  script: string | null;
  scriptProblem?: string;
}

export function agentCommands(profile: Profile): Promise<AgentCommands> {
  return request<AgentCommands>("POST", "/api/plan", {
    profile: profileToJson(profile),
    format: "sh",
  });
}
