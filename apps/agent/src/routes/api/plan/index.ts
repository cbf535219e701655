// POST /api/validate and POST /api/plan: any profile or unsaved draft, validated or planned
// with the facts of the real kernel files and the cores online in OS1 merged in.
import type { RoutePlugin } from "../../route-plugin";
import {
  diagnosticsToJson,
  hasErrors,
  plan,
  validate,
  planAnswerSchema,
  planBodySchema,
  planToJson,
  profileBodySchema,
  validateAnswerSchema,
  type PlanAnswer,
  type ValidateAnswer,
} from "@tessera/core";
import { commandsToShell } from "@tessera/kexec";
import { AgentError } from "../../../errors";
import { gatherFacts } from "../../../lifecycle/live-facts";
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
    async (req): Promise<ValidateAnswer> => {
      const profile = readProfile(req.body.profile, "profile");
      const diagnostics = validate(t.machine.machine, profile, await gatherFacts(profile, t.live));
      // The wire form: subject ranges as hex strings (a bigint has no JSON form).
      return { ok: !hasErrors(diagnostics), diagnostics: diagnosticsToJson(diagnostics) };
    },
  );

  // The commands are the active loader's own description (Loader.describeCommands), so the
  // console shows, and the script holds, what this agent's loader would run.
  // format "sh": those commands as a shell script; "grub": OS1's entry. A script needs
  // every successor's kernel: without one, `script` is null and `scriptProblem` says which
  // instance lacks it.
  app.post(
    "/plan",
    {
      validatorCompiler: strictValidator,
      schema: { body: planBodySchema, response: { 200: planAnswerSchema } },
    },
    async (req): Promise<PlanAnswer> => {
      const profile = readProfile(req.body.profile, "profile");
      const r = plan(t.machine.machine, profile, await gatherFacts(profile, t.live));
      if (!r.ok) throw new AgentError("LAYOUT-INVALID", { diagnostics: r.diagnostics });
      const described = t.loader.describeCommands(r.plan);
      const out = { plan: planToJson(r.plan), loader: t.loader.kind, ...described };
      const format = req.body.format ?? "json";
      if (format === "grub") return { ...out, script: r.plan.os1.grubEntry };
      if (format !== "sh") return out;
      const sh = commandsToShell(r.plan, described, t.loader.kind);
      return sh.script === null
        ? { ...out, script: null, scriptProblem: sh.problem }
        : { ...out, script: sh.script };
    },
  );
};

export default routes;
