// The boot plan as the agent makes it (API.md "POST /api/plan"): with its loader settings and
// live facts, so the loader commands are exactly what it would run.
import { profileToJson, type LoaderCommands, type Profile } from "@tessera/core";
import { request } from "./client";

export interface AgentCommands {
  loader: string;
  commands: LoaderCommands[];
  script: string | null;
  scriptProblem?: string;
}

export function agentCommands(profile: Profile): Promise<AgentCommands> {
  return request<AgentCommands>("POST", "/api/plan", {
    profile: profileToJson(profile),
    format: "sh",
  });
}
