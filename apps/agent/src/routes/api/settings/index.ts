// What the console shows about the agent itself (a dry-run banner, TLS, GRUB).
import type { FastifyPluginAsync } from "fastify";

const routes: FastifyPluginAsync = async (app) => {
  const t = app.tessera;
  app.get("/settings", async () => ({
    loader: { kind: t.loader.kind },
    dryRun: t.loader.kind === "dry-run",
    version: "0.1.0",
    tls: Boolean(t.config.tlsCert),
    grub: { found: await t.boot.found(), target: t.config.grubRoot },
  }));
};

export default routes;
