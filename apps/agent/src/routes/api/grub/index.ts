// OS1's boot entry in GRUB: preview, install (one-time first), make default, uninstall.
import type { FastifyPluginAsync } from "fastify";
import { AgentError } from "../../../errors";
import { GrubError } from "../../../grub/service";
import { gatherFacts, planOptions } from "../../../lifecycle/layout";
import { actor } from "../../../plugins/auth";
import { os1Report } from "../../../lifecycle/os1-cmdline";
import type { Services } from "../../../services";

async function os1Entry(t: Services): Promise<{ entry: string; id: string }> {
  const id = t.profiles.activeId();
  const rec = id ? t.profiles.get(id) : undefined;
  if (!rec) throw new AgentError("NO-ACTIVE-PROFILE");
  // On the worker thread: any viewer can preview, and a large profile takes a while to plan.
  const r = (
    await t.layout.plan(
      t.machine.machine,
      rec.profile,
      await gatherFacts(rec.profile, t.files),
      planOptions(t.config.loader),
    )
  ).result;
  if (!r.ok) throw new AgentError("LAYOUT-INVALID", { diagnostics: r.diagnostics });
  const m = /--id\s+'([^']+)'/.exec(r.plan.os1.grubEntry);
  return { entry: r.plan.os1.grubEntry, id: m?.[1] ?? "tessera" };
}

function mapGrub(err: unknown): never {
  if (err instanceof GrubError) {
    if (err.kind === "not-found") throw new AgentError("GRUB-NOT-FOUND", { message: err.message });
    if (err.kind === "check") throw new AgentError("GRUB-CHECK-FAILED");
    throw new AgentError("GRUB-COMMAND-FAILED", { message: err.message });
  }
  throw err;
}

const commands = { type: "array", items: { type: "array", items: { type: "string" } } } as const;
const previewAnswer = {
  type: "object",
  required: ["found", "file", "content", "diff"],
  properties: {
    found: { type: "boolean" },
    file: { type: "string" },
    content: { type: "string" },
    diff: { type: "string" },
    manual: { type: ["string", "null"] },
  },
  additionalProperties: true,
} as const;
const installAnswer = {
  type: "object",
  required: ["installed", "file", "commands"],
  properties: {
    installed: { type: "boolean" },
    file: { type: "string" },
    backup: { type: ["string", "null"] },
    commands,
  },
  additionalProperties: true,
} as const;
const defaultAnswer = {
  type: "object",
  required: ["default", "commands"],
  properties: { default: { type: "string" }, commands, note: { type: ["string", "null"] } },
  additionalProperties: true,
} as const;
const uninstallAnswer = {
  type: "object",
  required: ["removed", "commands"],
  properties: { removed: { type: "boolean" }, commands },
  additionalProperties: true,
} as const;

const routes: FastifyPluginAsync = async (app) => {
  const t = app.tessera;
  app.get("/grub", { schema: { response: { 200: previewAnswer } } }, async () =>
    t.boot.preview((await os1Entry(t)).entry),
  );

  app.post<{ Body: { oneTime?: boolean } }>(
    "/grub/install",
    {
      config: { access: "admin" },
      schema: {
        body: {
          type: "object",
          additionalProperties: false,
          properties: { oneTime: { type: "boolean" } },
        },
        response: { 200: installAnswer },
      },
    },
    async (req) => {
      const { entry, id } = await os1Entry(t);
      try {
        const r = await t.boot.install(entry, id, { oneTime: req.body.oneTime ?? true });
        t.audit.record({ user: actor(req), action: "grub.install", target: r.file, result: "ok" });
        return { installed: true, ...r };
      } catch (err) {
        req.log.warn(
          { err, detail: err instanceof GrubError ? err.detail : undefined },
          "grub install failed",
        );
        t.audit.record({
          user: actor(req),
          action: "grub.install",
          result: "failed",
          detail: err instanceof Error ? err.message : null,
        });
        mapGrub(err);
      }
    },
  );

  // The entry becomes the default only once OS1 has booted it and runs with its options
  // (the one-time selection proved it), unless the admin insists with {force: true}.
  app.post<{ Body: { force?: boolean } | undefined }>(
    "/grub/default",
    {
      config: { access: "admin" },
      schema: {
        body: {
          type: "object",
          additionalProperties: false,
          properties: { force: { type: "boolean" } },
        },
        response: { 200: defaultAnswer },
      },
    },
    async (req) => {
      const { id } = await os1Entry(t);
      if (!req.body?.force) {
        const os1 = await os1Report(t);
        if (os1.matches !== true) throw new AgentError("GRUB-NOT-VERIFIED", { hint: os1.message });
      }
      try {
        const r = await t.boot.setDefault(id);
        t.audit.record({ user: actor(req), action: "grub.default", target: id, result: "ok" });
        return { default: id, ...r };
      } catch (err) {
        mapGrub(err);
      }
    },
  );

  app.delete(
    "/grub",
    { config: { access: "admin" }, schema: { response: { 200: uninstallAnswer } } },
    async (req) => {
      try {
        const r = await t.boot.uninstall();
        t.audit.record({
          user: actor(req),
          action: "grub.uninstall",
          result: r.removed ? "ok" : "absent",
        });
        return r;
      } catch (err) {
        mapGrub(err);
      }
    },
  );
};

export default routes;
