// The type provider is on: a route's request and reply types come from its JSON Schemas, so
// a handler that reads a field its body schema lacks, or answers with a shape its response
// schema refuses, does not compile (tsc checks the expected errors below), and a valid one
// runs as usual.
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { sessionInfoSchema, type SessionInfo } from "@tessera/core";
import type { RoutePlugin } from "./route-plugin";

const body = {
  type: "object",
  required: ["name"],
  additionalProperties: false,
  properties: { name: { type: "string" } },
} as const;

const routes: RoutePlugin = async (app) => {
  app.post("/hello", { schema: { body, response: { 200: sessionInfoSchema } } }, async (req) => {
    const name: string = req.body.name;
    // @ts-expect-error: the body schema has no `role`
    void req.body.role;
    const info: SessionInfo = {
      user: { name, role: "viewer" },
      csrfToken: "t",
      mustChangePassword: false,
    };
    return info;
  });
  // @ts-expect-error: the response schema wants a role of ROLES, not any string
  app.post("/wrong", { schema: { response: { 200: sessionInfoSchema } } }, async () => ({
    user: { name: "x", role: "root" },
    csrfToken: "t",
    mustChangePassword: false,
  }));
};

describe("route types from schemas", () => {
  it("types the body from its schema and serialises the answer through the response schema", async () => {
    const app = Fastify();
    await app.register(routes);
    const res = await app.inject({ method: "POST", url: "/hello", payload: { name: "ann" } });
    expect(res.json()).toEqual({
      user: { name: "ann", role: "viewer" },
      csrfToken: "t",
      mustChangePassword: false,
    });
    await app.close();
  });
});
