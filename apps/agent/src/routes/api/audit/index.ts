// The audit log, read-only: there is deliberately no route that writes or deletes it.
import type { FastifyPluginAsync } from "fastify";
import { digits, optionalIntIn } from "../numbers";

const nullableString = { type: ["string", "null"] } as const;
const auditAnswer = {
  type: "object",
  required: ["entries"],
  properties: {
    entries: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "at", "user", "action", "result"],
        properties: {
          id: { type: "integer" },
          at: { type: "string" },
          user: { type: "string" },
          action: { type: "string" },
          target: nullableString,
          instance: nullableString,
          profileId: nullableString,
          result: { type: "string" },
          detail: nullableString,
        },
        additionalProperties: true,
      },
    },
  },
  additionalProperties: true,
} as const;

const routes: FastifyPluginAsync = async (app) => {
  const t = app.tessera;
  app.get<{
    Querystring: {
      user?: string;
      instance?: string;
      action?: string;
      from?: string;
      to?: string;
      limit?: string;
    };
  }>(
    "/audit",
    {
      schema: {
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            user: { type: "string" },
            instance: { type: "string" },
            action: { type: "string" },
            from: { type: "string", format: "date-time" },
            to: { type: "string", format: "date-time" },
            limit: digits,
          },
        },
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
