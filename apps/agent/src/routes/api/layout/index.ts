// Validate and plan any profile or unsaved draft, with the facts of the real kernel files
// and the cores online in OS1 merged in.
import type { FastifyPluginAsync } from "fastify";
import { planToJson } from "@tessera/core";
import { planToShell } from "@tessera/kexec";
import { AgentError } from "../../../errors";
import { gatherFacts, hasErrors, planLayout, validateLayout } from "../../../lifecycle/layout";
import { readProfile } from "../profiles/shared";

const body = {
  type: "object",
  required: ["profile"],
  additionalProperties: false,
  properties: { profile: { type: "object" } },
} as const;

const planBody = {
  type: "object",
  required: ["profile"],
  additionalProperties: false,
  properties: {
    profile: { type: "object" },
    format: { type: "string", enum: ["json", "sh", "grub"] },
  },
} as const;

const routes: FastifyPluginAsync = async (app) => {
  const t = app.tessera;

  app.post<{ Body: { profile: unknown } }>("/validate", { schema: { body } }, async (req) => {
    const profile = readProfile(req.body.profile, "profile");
    const diagnostics = validateLayout(
      t.machine.machine,
      profile,
      await gatherFacts(profile, t.live),
    );
    return { ok: !hasErrors(diagnostics), diagnostics };
  });

  // format "sh": the loader commands as a shell script (packages/kexec); "grub": OS1's entry.
  app.post<{ Body: { profile: unknown; format?: "json" | "sh" | "grub" } }>(
    "/plan",
    { schema: { body: planBody } },
    async (req) => {
      const profile = readProfile(req.body.profile, "profile");
      const r = planLayout(t.machine.machine, profile, await gatherFacts(profile, t.live));
      if (!r.ok) throw new AgentError("LAYOUT-INVALID", { diagnostics: r.diagnostics });
      const format = req.body.format ?? "json";
      if (format === "sh") return { plan: planToJson(r.plan), script: planToShell(r.plan) };
      if (format === "grub") return { plan: planToJson(r.plan), script: r.plan.os1.grubEntry };
      return { plan: planToJson(r.plan) };
    },
  );
};

export default routes;
