// Route plugins take their request and reply types from their JSON Schemas (core's, or the
// route's own `as const` schemas) through the json-schema-to-ts type provider: no
// hand-written generics beside a schema that could say something else. A handler's answer
// is checked against the response schema of its status, so a core wire type returned by a
// handler and the schema that serialises it cannot drift apart.
import type { FastifyPluginAsyncJsonSchemaToTs } from "@fastify/type-provider-json-schema-to-ts";

export type RoutePlugin = FastifyPluginAsyncJsonSchemaToTs;
