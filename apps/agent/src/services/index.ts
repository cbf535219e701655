// The typed decorator every route reaches through `app.tessera`: the stores, the live hub,
// the instance manager, the loader, the machine and the services that own each kind of
// change (profiles, users, sessions, OS1's boot entry). Built once in app.ts.
import type { Loader } from "@tessera/kexec";
import type { Db } from "../db/database";
import type { AuditLog } from "../db/audit";
import type { ProfileStore } from "../db/profiles";
import type { UserStore, Session, Role } from "../db/users";
import type { LiveHub } from "../live/hub";
import type { InstanceStateStore } from "../lifecycle/states";
import type { GuestMonitor } from "../lifecycle/guests";
import type { StartCoordinator } from "../lifecycle/manager";
import type { LiveFacts } from "../lifecycle/live-facts";
import type { FileAccess } from "../lifecycle/file-checks";
import type { LayoutPool } from "../lifecycle/layout-pool";
import type { MachineService } from "./machine-service";
import type { AgentConfig } from "../config";
import type { BootConfigService } from "../grub/service";
import type { ProfileService } from "./profile-service";
import type { UserService } from "./user-service";
import type { SessionService } from "./session-service";
import type { BootEntryService } from "./boot-entry-service";
import type { Os1Boot } from "../lifecycle/os1-boot";

export interface Services {
  config: AgentConfig;
  db: Db;
  users: UserStore;
  profiles: ProfileStore;
  audit: AuditLog;
  hub: LiveHub;
  /** Instance states: views, locks, the one way a state changes. */
  instances: InstanceStateStore;
  /** Guest reports, heartbeats, reconciliation after a restart. */
  guests: GuestMonitor;
  /** Start, stop, force-stop, start-all: the loader's steps. */
  starts: StartCoordinator;
  loader: Loader;
  machine: MachineService;
  live?: LiveFacts;
  /** Where kernel and initrd paths may be read, and how long a look may take. */
  files: FileAccess;
  /** Core's validate and plan on a worker thread (for profiles from a request). */
  layout: LayoutPool;
  boot: BootConfigService;
  /** What the running OS1 booted with (kernel, initrd, root=), read under the GRUB root. */
  os1Boot: () => Promise<Os1Boot>;
  profileService: ProfileService;
  userService: UserService;
  sessionService: SessionService;
  bootEntryService: BootEntryService;
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
    /**
     * Reachable by a session whose user must choose a new password (reading and ending the
     * session, changing the password, and the live connection, which refuses them itself).
     */
    duringPasswordChange?: boolean;
  }
}
