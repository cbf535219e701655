// @tessera/agent: the Fastify app and its server, for the CLI and tests.
export { buildApp } from "./app";
export type { BuildOptions } from "./app";
export { startServer, loadMachine } from "./server";
export { loadConfig, defaultConfig, OPTIONS } from "./config";
export type { AgentConfig } from "./config";
export { ERRORS, AgentError } from "./errors";
export type { ErrorCode } from "./errors";
export { WS_PROTOCOL, WS_SUBPROTOCOL } from "@tessera/core";
export type { CommandRunner, CommandResult } from "./grub/service";
