// What the console shows about the agent itself (a dry-run banner, TLS, GRUB).
import { standInKernelInfo } from "../../../demo";
import type { RoutePlugin } from "../../route-plugin";

const settingsAnswer = {
  type: "object",
  required: ["loader", "dryRun", "version", "tls", "grub", "standInKernel"],
  properties: {
    loader: {
      type: "object",
      properties: { kind: { type: "string" } },
      additionalProperties: true,
    },
    dryRun: { type: "boolean" },
    version: { type: "string" },
    tls: { type: "boolean" },
    grub: {
      type: "object",
      properties: { found: { type: "boolean" }, target: { type: ["string", "null"] } },
      additionalProperties: true,
    },
    standInKernel: {
      anyOf: [
        {
          type: "object",
          required: ["path", "label", "version"],
          properties: {
            path: { type: "string" },
            label: { type: "string" },
            version: { type: "string" },
          },
          additionalProperties: false,
        },
        { type: "null" },
      ],
    },
  },
  additionalProperties: true,
} as const;

const routes: RoutePlugin = async (app) => {
  const t = app.tessera;
  app.get("/settings", { schema: { response: { 200: settingsAnswer } } }, async () => ({
    loader: { kind: t.loader.kind },
    dryRun: t.loader.kind === "dry-run",
    version: "0.1.0",
    tls: Boolean(t.config.tlsCert),
    grub: { found: await t.boot.found(), target: t.config.grubRoot },
    standInKernel: standInKernelInfo(t.config),
  }));
};

export default routes;
