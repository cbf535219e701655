// POST /api/validate and POST /api/plan: any profile or unsaved draft, validated or planned
// with the facts of the real kernel files and the cores online in OS1 merged in, on the
// worker thread (a draft any viewer sends may take a while to judge), with the options of
// this agent's loader.
import type { RoutePlugin } from "../../route-plugin";
import {
  diagnosticsToJson,
  planAnswerSchema,
  planBodySchema,
  planToJson,
  profileBodySchema,
  validateAnswerSchema,
  type PlanAnswer,
  type ValidateAnswer,
} from "@tessera/core";
import { loaderScript } from "@tessera/kexec";
import { AgentError } from "../../../errors";
import { gatherFacts, planOptions } from "../../../lifecycle/live-facts";
import { readProfile } from "../profiles/shared";
import { strictValidator } from "../profiles/schemas";

const routes: RoutePlugin = async (app) => {
  const t = app.tessera;
  /** What a draft is judged with: this machine, the draft, the live facts, the loader's options. */
  const judging = async (body: unknown) => {
    const profile = readProfile(body, "profile", t.machine.machine);
    return [
      t.machine.machine,
      profile,
      await gatherFacts(profile, t.files, t.live),
      planOptions(t.config.loader, await t.os1Boot()),
    ] as const;
  };

  app.post(
    "/validate",
    {
      // No type coercion: a number where an address string belongs is a 400.
      validatorCompiler: strictValidator,
      schema: { body: profileBodySchema, response: { 200: validateAnswerSchema } },
    },
    async (req): Promise<ValidateAnswer> => {
      // On the worker thread: a draft any viewer sends may take a while to judge.
      const r = await t.layout.validate(...(await judging(req.body.profile)));
      // The wire form: subject ranges as hex strings (a bigint has no JSON form).
      const out = { ok: r.ok, diagnostics: diagnosticsToJson(r.diagnostics) };
      return r.omitted ? { ...out, omitted: r.omitted } : out;
    },
  );

  // The commands are the active loader's own description (Loader.describeCommands), so the
  // console shows, and the script holds, what this agent's loader would run (the direct
  // loader: what it writes where, and the IPIs it sends).
  // format "sh": a script that does what the loader does; "grub": OS1's entry. A script
  // needs every successor's kernel: without one, `script` is null and `scriptProblem` says
  // which instance lacks it.
  app.post(
    "/plan",
    {
      validatorCompiler: strictValidator,
      schema: { body: planBodySchema, response: { 200: planAnswerSchema } },
    },
    async (req): Promise<PlanAnswer> => {
      const a = await t.layout.plan(...(await judging(req.body.profile)));
      const r = a.result;
      if (!r.ok)
        throw new AgentError("LAYOUT-INVALID", {
          diagnostics: r.diagnostics,
          ...(a.omitted
            ? {
                message: `The layout has errors; see the diagnostics (the first ${r.diagnostics.length}, ${a.omitted} more left out).`,
              }
            : {}),
        });
      const described = await t.loader.describeCommands(r.plan);
      const out = { plan: planToJson(r.plan), loader: t.loader.kind, ...described };
      const format = req.body.format ?? "json";
      if (format === "grub") {
        // No entry while OS1's kernel or root is unknown: the plan's OS1-BOOT-UNKNOWN says why.
        const entry = r.plan.os1.grubEntry;
        if (entry !== null) return { ...out, script: entry };
        const why = r.plan.diagnostics.filter((d) => d.code === "OS1-BOOT-UNKNOWN");
        return {
          ...out,
          script: null,
          scriptProblem: why.map((d) => `${d.message} ${d.hint}`).join(" "),
        };
      }
      if (format !== "sh") return out;
      const sh = await loaderScript(t.loader, r.plan, described);
      return sh.script === null
        ? { ...out, script: null, scriptProblem: sh.problem }
        : { ...out, script: sh.script };
    },
  );
};

export default routes;
