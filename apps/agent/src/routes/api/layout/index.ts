// Validate and plan any profile or unsaved draft, with the facts of the real kernel files
// and the cores online in OS1 merged in.
import type { RoutePlugin } from "../../route-plugin";
import {
  diagnosticsToJson,
  planAnswerSchema,
  planBodySchema,
  planToJson,
  profileBodySchema,
  validateAnswerSchema,
  type BootPlan,
  type LoaderCommands,
} from "@tessera/core";
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
import { strictValidator } from "../profiles/schemas";

const routes: RoutePlugin = async (app) => {
  const t = app.tessera;

  app.post(
    "/validate",
    {
      // No type coercion: a number where an address string belongs is a 400.
      validatorCompiler: strictValidator,
      schema: { body: profileBodySchema, response: { 200: validateAnswerSchema } },
    },
    async (req) => {
      const profile = readProfile(req.body.profile, "profile");
      const diagnostics = validateLayout(
        t.machine.machine,
        profile,
        await gatherFacts(profile, t.live),
      );
      // The wire form: subject ranges as hex strings (a bigint has no JSON form).
      return { ok: !hasErrors(diagnostics), diagnostics: diagnosticsToJson(diagnostics) };
    },
  );

  // The loader commands come from packages/kexec with this agent's own loader settings, so
  // the console shows (and the script holds) exactly what the agent would run.
  const mint: MintConfig = t.config.loader === "mint" ? (t.config.loaderOptions as MintConfig) : {};

  function commands(plan: BootPlan): LoaderCommands[] {
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
  app.post(
    "/plan",
    {
      validatorCompiler: strictValidator,
      schema: { body: planBodySchema, response: { 200: planAnswerSchema } },
    },
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
