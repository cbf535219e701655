// The machine the agent partitions, and a rescan.
import type { RoutePlugin } from "../../route-plugin";
import { machineJsonSchema } from "@tessera/core";
import { operatorRescan } from "../../../services/machine-service";
import { actor } from "../../../plugins/auth";

const machineAnswer = {
  type: "object",
  required: ["activeProfileMismatch", "machine", "fingerprint"],
  properties: {
    activeProfileMismatch: { type: "boolean" },
    machine: machineJsonSchema,
    fingerprint: { type: "string" },
    source: { type: ["string", "null"] },
    problems: {
      type: "array",
      items: {
        type: "object",
        properties: { path: { type: "string" }, message: { type: "string" } },
        additionalProperties: true,
      },
    },
  },
  additionalProperties: true,
} as const;

const routes: RoutePlugin = async (app) => {
  const t = app.tessera;
  // Whether the active profile was saved for other hardware than this machine's.
  const activeMismatch = (): boolean => {
    const fp = t.profiles.activeFingerprint();
    return fp !== undefined && fp !== t.machine.fingerprint;
  };
  const body = () =>
    `{"activeProfileMismatch":${activeMismatch()},${t.machine.jsonText().slice(1)}`;

  // GET sends the cached JSON text as it is (a string payload is not re-serialised); the
  // schema states its shape, POST /machine/rescan is serialised through it.
  app.get("/machine", { schema: { response: { 200: machineAnswer } } }, async (_req, reply) =>
    // The text is json() of the rescan route, serialised once; the type provider knows only
    // the object form of a payload.
    reply.type("application/json").send(body() as never),
  );

  app.post(
    "/machine/rescan",
    { config: { access: "operator" }, schema: { response: { 200: machineAnswer } } },
    async (req) => {
      await operatorRescan({ ...t, log: req.log }, actor(req));
      return { activeProfileMismatch: activeMismatch(), ...t.machine.json() };
    },
  );
};

export default routes;
