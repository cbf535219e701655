// Instances of the active profile: list, the run log of one, start, stop, force-stop,
// start-all; OS1's running command line against the plan, and what OS1 booted with.
import type { RoutePlugin } from "../../route-plugin";
import { actor } from "../../../plugins/auth";
import { os1Report } from "../../../lifecycle/os1-cmdline";
import { LOG_KEEP } from "../../../db/instance-runs";
import { digits, optionalIntIn } from "../numbers";
import {
  instanceListSchema,
  manyInstancesSchema,
  oneInstanceSchema,
  os1BootSchema,
  os1ReportSchema,
  runLogSchema,
} from "@tessera/core";

const nameParams = {
  type: "object",
  required: ["name"],
  properties: { name: { type: "string", minLength: 1, maxLength: 64 } },
} as const;

const routes: RoutePlugin = async (app) => {
  const t = app.tessera;
  app.get("/instances", { schema: { response: { 200: instanceListSchema } } }, async () =>
    t.instances.list(),
  );

  app.get(
    "/instances/:name/log",
    {
      schema: {
        params: nameParams,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            since: digits,
            limit: digits,
          },
        },
        response: { 200: runLogSchema },
      },
    },
    async (req) =>
      t.instances.log(
        req.params.name,
        optionalIntIn(req.query.since, "querystring.since", 0, Number.MAX_SAFE_INTEGER),
        optionalIntIn(req.query.limit, "querystring.limit", 1, LOG_KEEP),
      ),
  );

  app.post(
    "/instances/:name/start",
    {
      config: { access: "operator" },
      schema: { params: nameParams, response: { 202: oneInstanceSchema } },
    },
    async (req, reply) =>
      reply.code(202).send({ instance: await t.starts.start(req.params.name, actor(req)) }),
  );
  app.post(
    "/instances/:name/stop",
    {
      config: { access: "operator" },
      schema: { params: nameParams, response: { 202: oneInstanceSchema } },
    },
    async (req, reply) =>
      reply.code(202).send({ instance: await t.starts.stop(req.params.name, actor(req)) }),
  );
  app.post(
    "/instances/:name/force-stop",
    {
      config: { access: "operator" },
      schema: { params: nameParams, response: { 202: oneInstanceSchema } },
    },
    async (req, reply) =>
      reply.code(202).send({ instance: await t.starts.stop(req.params.name, actor(req), true) }),
  );
  app.post(
    "/instances/start-all",
    { config: { access: "operator" }, schema: { response: { 202: manyInstancesSchema } } },
    async (req, reply) => reply.code(202).send({ instances: await t.starts.startAll(actor(req)) }),
  );

  app.get("/os1", { schema: { response: { 200: os1ReportSchema } } }, async () => os1Report(t));
  // What the running OS1 booted with: the defaults of OS1's kernel, initrd and root.
  app.get("/os1/boot", { schema: { response: { 200: os1BootSchema } } }, async () => t.os1Boot());
};

export default routes;
