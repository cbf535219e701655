// Reports from `tessera guest` inside a successor. Authenticated by the per-boot token the
// agent put on that instance's command line, not by a session.
import type { RoutePlugin } from "../../route-plugin";
import { AgentError } from "../../../errors";

const routes: RoutePlugin = async (app) => {
  const t = app.tessera;
  app.post(
    "/guest/report",
    {
      config: { access: "guest", rateLimit: { max: 600, timeWindow: 60_000 } },
      schema: {
        body: {
          type: "object",
          required: ["name", "event"],
          additionalProperties: false,
          properties: {
            name: { type: "string", minLength: 1, maxLength: 64 },
            event: { type: "string", enum: ["boot-complete", "heartbeat", "stopped"] },
          },
        },
        // Whether the guest should stop (its instance is being stopped).
        response: {
          200: {
            type: "object",
            required: ["stop"],
            properties: { stop: { type: "boolean" } },
            additionalProperties: true,
          },
        },
      },
    },
    async (req) => {
      const auth = req.headers.authorization;
      const token = typeof auth === "string" && auth.startsWith("Bearer ") ? auth.slice(7) : null;
      if (!token)
        throw new AgentError("AUTH-FAILED", {
          message: "A guest report needs its boot token (authorization: Bearer …).",
        });
      return t.guests.guest({ name: req.body.name, type: req.body.event }, token);
    },
  );
};

export default routes;
