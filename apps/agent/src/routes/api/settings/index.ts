// What the console shows about the agent itself (a dry-run banner, TLS, GRUB, the demo's
// stand-in kernel, the start phases' deadlines).
import { agentSettingsSchema } from "@tessera/core";
import { standInKernelInfo } from "../../../demo";
import type { RoutePlugin } from "../../route-plugin";

const routes: RoutePlugin = async (app) => {
  const t = app.tessera;
  app.get("/settings", { schema: { response: { 200: agentSettingsSchema } } }, async () => ({
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
