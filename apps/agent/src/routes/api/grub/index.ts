// OS1's boot entry in GRUB: preview, install, boot it once, make default, uninstall (the
// BootEntryService).
import type { RoutePlugin } from "../../route-plugin";
import { actor } from "../../../plugins/auth";

const commands = { type: "array", items: { type: "array", items: { type: "string" } } } as const;
const previewAnswer = {
  type: "object",
  required: ["found", "file", "content", "diff", "id"],
  properties: {
    id: { type: "string" },
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
const bootOnceAnswer = {
  type: "object",
  required: ["id", "commands"],
  properties: { id: { type: "string" }, commands },
  additionalProperties: false,
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

const routes: RoutePlugin = async (app) => {
  const t = app.tessera;
  app.get("/grub", { schema: { response: { 200: previewAnswer } } }, async () =>
    t.bootEntryService.preview(),
  );

  app.post(
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
    async (req) => t.bootEntryService.install(actor(req), req.body.oneTime ?? true),
  );

  // OS1 boots the installed entry at its next reboot, once (grub-reboot); the default stays.
  app.post(
    "/grub/boot-once",
    {
      config: { access: "admin" },
      schema: {
        body: { type: "object", additionalProperties: false, properties: {} },
        response: { 200: bootOnceAnswer },
      },
    },
    async (req) => t.bootEntryService.bootOnce(actor(req)),
  );

  // The entry becomes the default only once OS1 has booted it and runs with its options
  // (the one-time selection proved it), unless the admin insists with {force: true}.
  app.post(
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
    async (req) => t.bootEntryService.makeDefault(actor(req), req.body?.force ?? false),
  );

  app.delete(
    "/grub",
    { config: { access: "admin" }, schema: { response: { 200: uninstallAnswer } } },
    async (req) => t.bootEntryService.uninstall(actor(req)),
  );
};

export default routes;
