// The machine the agent partitions, and a rescan.
import type { FastifyPluginAsync } from "fastify";
import { AgentError } from "../../../errors";
import { actor } from "../../../plugins/auth";

const routes: FastifyPluginAsync = async (app) => {
  const t = app.tessera;
  // Whether the active profile was saved for other hardware than this machine's.
  const activeMismatch = (): boolean => {
    const fp = t.profiles.activeFingerprint();
    return fp !== undefined && fp !== t.machine.fingerprint;
  };
  const body = () =>
    `{"activeProfileMismatch":${activeMismatch()},${t.machine.jsonText().slice(1)}`;

  app.get("/machine", async (_req, reply) => reply.type("application/json").send(body()));

  app.post("/machine/rescan", { config: { access: "operator" } }, async (req) => {
    let changed: boolean;
    try {
      changed = await t.machine.rescan();
    } catch (err) {
      req.log.error({ err }, "rescan failed");
      t.audit.record({ user: actor(req), action: "machine.rescan", result: "failed" });
      throw new AgentError("MACHINE-UNAVAILABLE", {
        message: "The machine could not be read again; the previous reading is kept.",
      });
    }
    t.audit.record({
      user: actor(req),
      action: "machine.rescan",
      result: changed ? "changed" : "unchanged",
    });
    if (changed)
      t.hub.publish({
        type: "machine",
        at: new Date(t.now()).toISOString(),
        fingerprint: t.machine.fingerprint,
      });
    return { activeProfileMismatch: activeMismatch(), ...t.machine.json() };
  });
};

export default routes;
