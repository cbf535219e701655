// Validate and plan any profile or unsaved draft, with the facts of the real kernel files
// and the cores online in OS1 merged in.
import type { FastifyPluginAsync } from "fastify";
import {
  diagnosticsJsonSchema,
  diagnosticsToJson,
  planJsonSchema,
  planToJson,
  profileJsonSchema,
  type BootPlan,
} from "@tessera/core";
import {
  mintLoadArgv,
  mintStartArgv,
  planToShell,
  PlanArgvError,
  type MintConfig,
} from "@tessera/kexec";
import { AgentError } from "../../../errors";
import { gatherFacts, planOptions } from "../../../lifecycle/layout";
import { readProfile } from "../profiles/shared";
import { profileBodySchema, strictValidator } from "../profiles/schemas";

const planBody = {
  type: "object",
  required: ["profile"],
  additionalProperties: false,
  properties: {
    profile: profileJsonSchema,
    format: { type: "string", enum: ["json", "sh", "grub"] },
  },
} as const;

const validateAnswer = {
  type: "object",
  required: ["ok", "diagnostics"],
  properties: {
    ok: { type: "boolean" },
    diagnostics: diagnosticsJsonSchema,
    // Findings beyond the first 1000 (errors come first) that the answer leaves out.
    omitted: { type: "integer" },
  },
  additionalProperties: true,
} as const;

const argv = { type: "array", items: { type: "string" } } as const;
const planAnswer = {
  type: "object",
  required: ["plan", "loader", "commands"],
  properties: {
    plan: planJsonSchema,
    loader: { type: "string" },
    commands: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "load", "start", "problem"],
        properties: {
          name: { type: "string" },
          load: { anyOf: [argv, { type: "null" }] },
          start: argv,
          problem: { type: ["string", "null"] },
        },
        additionalProperties: true,
      },
    },
    // Only with format "sh" or "grub"; null when a successor lacks its kernel.
    script: { type: ["string", "null"] },
    scriptProblem: { type: "string" },
  },
  additionalProperties: true,
} as const;

const routes: FastifyPluginAsync = async (app) => {
  const t = app.tessera;

  app.post<{ Body: { profile: unknown } }>(
    "/validate",
    {
      // No type coercion: a number where an address string belongs is a 400.
      validatorCompiler: strictValidator,
      schema: { body: profileBodySchema, response: { 200: validateAnswer } },
    },
    async (req) => {
      const profile = readProfile(req.body.profile, "profile", t.machine.machine);
      // On the worker thread: a draft any viewer sends may take a while to judge.
      const r = await t.layout.validate(
        t.machine.machine,
        profile,
        await gatherFacts(profile, t.files, t.live),
        planOptions(t.config.loader),
      );
      // The wire form: subject ranges as hex strings (a bigint has no JSON form).
      const out = { ok: r.ok, diagnostics: diagnosticsToJson(r.diagnostics) };
      return r.omitted ? { ...out, omitted: r.omitted } : out;
    },
  );

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
    {
      validatorCompiler: strictValidator,
      schema: { body: planBody, response: { 200: planAnswer } },
    },
    async (req) => {
      const profile = readProfile(req.body.profile, "profile", t.machine.machine);
      const a = await t.layout.plan(
        t.machine.machine,
        profile,
        await gatherFacts(profile, t.files, t.live),
        planOptions(t.config.loader),
      );
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
