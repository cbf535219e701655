// The audit log, read-only: there is deliberately no route that writes or deletes it.
import { auditEntrySchema, auditFilterSchema } from "@tessera/core";
import type { RoutePlugin } from "../../route-plugin";
import { optionalIntIn } from "../numbers";

const auditAnswer = {
  type: "object",
  required: ["entries"],
  properties: { entries: { type: "array", items: auditEntrySchema } },
  additionalProperties: true,
} as const;

const routes: RoutePlugin = async (app) => {
  const t = app.tessera;
  app.get(
    "/audit",
    {
      schema: {
        querystring: auditFilterSchema,
        response: { 200: auditAnswer },
      },
    },
    async (req) => {
      const q = {
        ...req.query,
        limit: optionalIntIn(req.query.limit, "querystring.limit", 1, 1000),
      };
      // Stored times are ISO strings in UTC: normalise the bounds so they compare as text.
      if (q.from) q.from = new Date(q.from).toISOString();
      if (q.to) q.to = new Date(q.to).toISOString();
      return { entries: t.audit.query(q) };
    },
  );
};

export default routes;
