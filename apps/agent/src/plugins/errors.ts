// The central error handler: AgentErrors keep their code; Fastify's own errors map onto the
// registry; anything else is INTERNAL, logged with its stack and never sent to the client.
import type { FastifyError, FastifyInstance, FastifyPluginAsync } from "fastify";
import { AgentError, errorBody, jsonPath } from "../errors";

export function toAgentError(err: FastifyError | AgentError | Error): AgentError {
  if (err instanceof AgentError) return err;
  const e = err as FastifyError & {
    validation?: { instancePath: string; params?: Record<string, unknown>; message?: string }[];
  };
  if (e.validation && e.validation.length) {
    const first = e.validation[0]!;
    const missing =
      typeof first.params?.missingProperty === "string" ? first.params.missingProperty : undefined;
    const extra =
      typeof first.params?.additionalProperty === "string"
        ? first.params.additionalProperty
        : undefined;
    const where = e.validationContext === "body" ? "" : `${e.validationContext}.`;
    const path = where + jsonPath(first.instancePath, missing ?? extra);
    return new AgentError("BODY-INVALID", {
      message: `${path || "(body)"}: ${extra ? "unknown field" : (first.message ?? "invalid")}`,
      path,
      errors: e.validation.map((v) => ({
        path: where + jsonPath(v.instancePath),
        message: v.message ?? "invalid",
      })),
    });
  }
  switch (e.code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new AgentError("BODY-MALFORMED", {
        message:
          e.code === "FST_ERR_CTP_EMPTY_JSON_BODY"
            ? "The JSON body is empty."
            : "The request body is not valid JSON.",
      });
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new AgentError("BODY-TOO-LARGE");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new AgentError("UNSUPPORTED-MEDIA");
  }
  if (err instanceof SyntaxError && e.statusCode === 400) return new AgentError("BODY-MALFORMED");
  if (e.statusCode === 429) return new AgentError("RATE-LIMITED");
  if (e.statusCode === 404) return new AgentError("NOT-FOUND");
  return new AgentError("INTERNAL");
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const a = toAgentError(err);
    if (a.status >= 500) req.log.error({ err }, "request failed");
    else req.log.info({ code: a.code, url: req.url }, "request refused");
    void reply.code(a.status).type("application/json").send(errorBody(a));
  });
}

/** The handler as a plugin, for the whole app (not encapsulated: see plugins/auth.ts). */
export const errorsPlugin: FastifyPluginAsync = Object.assign(
  async (app: FastifyInstance) => installErrorHandler(app),
  { [Symbol.for("skip-override")]: true },
);
