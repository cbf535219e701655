// The typed decorator every route reaches through `app.tessera`: the stores, the live hub,
// the instance manager, the loader and the machine. Built once in app.ts.
import type { Loader } from "@tessera/kexec";
import type { Profile } from "@tessera/core";
import type { Db } from "./db/database";
import type { AuditLog } from "./db/audit";
import type { ProfileStore } from "./db/profiles";
import type { UserStore, Session, Role } from "./db/users";
import type { LiveHub } from "./live/hub";
import type { InstanceManager } from "./lifecycle/manager";
import type { LiveFacts } from "./lifecycle/layout";
import type { FileAccess } from "./lifecycle/file-checks";
import type { LayoutPool } from "./lifecycle/layout-pool";
import type { MachineService } from "./plugins/machine";
import type { AgentConfig } from "./config";
import type { BootConfigService } from "./grub/service";

export interface Services {
  config: AgentConfig;
  db: Db;
  users: UserStore;
  profiles: ProfileStore;
  audit: AuditLog;
  hub: LiveHub;
  instances: InstanceManager;
  loader: Loader;
  machine: MachineService;
  live?: LiveFacts;
  /** Where kernel and initrd paths may be read, and how long a look may take. */
  files: FileAccess;
  /** Core's validate and plan on a worker thread (for profiles from a request). */
  layout: LayoutPool;
  boot: BootConfigService;
  onActivated?: (p: Profile) => void;
  now: () => number;
}

/** Who may reach a route: anyone (login), a guest with its boot token, or a role at least. */
export type Access = "public" | "guest" | Role;

declare module "fastify" {
  interface FastifyInstance {
    tessera: Services;
    routeTable: { method: string; url: string; access: string }[];
  }
  interface FastifyRequest {
    session: (Session & { token: string }) | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}
