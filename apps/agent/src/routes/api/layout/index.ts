// Validate and plan any profile or unsaved draft, with the facts of the real kernel files
// and the cores online in OS1 merged in.
import type { FastifyPluginAsync } from "fastify";
import { planToJson, type BootPlan } from "@tessera/core";
import {
  mintLoadArgv,
  mintStartArgv,
  planToShell,
  PlanArgvError,
  type MintConfig,
} from "@tessera/kexec";
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

  // The loader commands come from packages/kexec with this agent's own loader settings, so
  // the console shows (and the script holds) exactly what the agent would run.
  const mint: MintConfig = t.config.loader === "mint" ? (t.config.loaderOptions as MintConfig) : {};

  function commands(plan: BootPlan) {
    return plan.successors.map((s) => {
      const start = mintStartArgv(s, mint);
      try {
        return { name: s.name, load: mintLoadArgv(s, mint), start, problem: null };
      } catch (err) {
        if (!(err instanceof PlanArgvError)) throw err;
        return { name: s.name, load: null, start, problem: err.message };
      }
    });
  }

  // format "sh": the loader commands as a shell script (packages/kexec); "grub": OS1's entry.
  // A script needs every successor's kernel: without one, `script` is null and
  // `scriptProblem` says which instance lacks it.
  app.post<{ Body: { profile: unknown; format?: "json" | "sh" | "grub" } }>(
    "/plan",
    { schema: { body: planBody } },
    async (req) => {
      const profile = readProfile(req.body.profile, "profile");
      const r = planLayout(t.machine.machine, profile, await gatherFacts(profile, t.live));
      if (!r.ok) throw new AgentError("LAYOUT-INVALID", { diagnostics: r.diagnostics });
      const out = { plan: planToJson(r.plan), loader: t.config.loader, commands: commands(r.plan) };
      const format = req.body.format ?? "json";
      if (format === "grub") return { ...out, script: r.plan.os1.grubEntry };
      if (format !== "sh") return out;
      const problem = out.commands.find((c) => c.problem)?.problem ?? null;
      return problem
        ? { ...out, script: null, scriptProblem: problem }
        : { ...out, script: planToShell(r.plan, mint) };
    },
  );
};

export default routes;
