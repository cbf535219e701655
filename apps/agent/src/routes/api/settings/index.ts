// What the console shows about the agent itself (a dry-run banner, TLS, GRUB, the demo's
// stand-in kernel, the start phases' deadlines).
import { DEADLINED_PHASES } from "@tessera/core";
import { standInKernelInfo } from "../../../demo";
import type { RoutePlugin } from "../../route-plugin";

const settingsAnswer = {
  type: "object",
  required: ["loader", "dryRun", "version", "tls", "grub", "standInKernel", "phaseDeadlines"],
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
    phaseDeadlines: {
      type: "object",
      additionalProperties: false,
      required: [...DEADLINED_PHASES],
      properties: Object.fromEntries(DEADLINED_PHASES.map((p) => [p, { type: "integer" }])),
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
    phaseDeadlines: t.config.phaseDeadlines,
  }));
};

export default routes;
