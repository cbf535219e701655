// The central error handler: AgentErrors keep their code; Fastify's own errors map onto the
// registry; anything else is INTERNAL, logged with its stack and never sent to the client.
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type {
  FastifyError,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
} from "fastify";
import { AgentError, errorBody, errorBodySchema, jsonPath } from "../errors";

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
    case "FST_ERR_BAD_URL":
      return new AgentError("URL-INVALID");
    case "FST_ERR_MAX_PARAM_LENGTH":
      return new AgentError("URL-TOO-LONG");
  }
  // SQLite's "database or disk is full" and a failed file write: nothing was written, and
  // nothing written before is lost (SQLite rolls the transaction back).
  if (e.code === "SQLITE_FULL" || e.code === "ENOSPC")
    return new AgentError("STORAGE-FULL", {
      hint: "Check the free space of the agent's data directory (df); what was saved before is kept.",
    });
  if (err instanceof SyntaxError && e.statusCode === 400) return new AgentError("BODY-MALFORMED");
  if (e.statusCode === 429) return new AgentError("RATE-LIMITED");
  if (e.statusCode === 404) return new AgentError("NOT-FOUND");
  return new AgentError("INTERNAL");
}

/**
 * The error handler, and the error body's schema as every route's 4xx and 5xx response
 * schema (added to each route as it is declared, so install this before the routes).
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.addHook("onRoute", (r) => {
    const schema = (r.schema ??= {});
    const response = (schema.response ??= {}) as Record<string, unknown>;
    response["4xx"] ??= errorBodySchema;
    response["5xx"] ??= errorBodySchema;
  });
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

/** Fastify's `frameworkErrors`: the router's refusals (bad % escape, over-long parameter). */
export function frameworkErrors(
  err: FastifyError,
  _req: FastifyRequest,
  reply: FastifyReply,
): void {
  const a = toAgentError(err);
  void reply.code(a.status).type("application/json").send(errorBody(a));
}

/**
 * Node's `clientError`: bytes that are not HTTP, headers over the limit, a request that
 * never completed. No request object exists, so the answer is written to the socket.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  // A client that never finished its request gets nothing: it is not listening.
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") return void socket.destroy(err);
  const a = new AgentError(
    err.code === "HPE_HEADER_OVERFLOW" ? "HEADERS-TOO-LARGE" : "HTTP-MALFORMED",
  );
  const body = JSON.stringify(errorBody(a));
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${a.status} ${STATUS_CODES[a.status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(err);
}
