// The agent's HTTP routes under /api, in one list: app.ts registers them, and tests that
// must see every route (each route's error schemas) take the same list.
import sessionRoutes from "./session/index";
import machineRoutes from "./machine/index";
import profileRoutes from "./profiles/index";
import profileVersionRoutes from "./profiles/versions";
import planRoutes from "./plan/index";
import instanceRoutes from "./instances/index";
import auditRoutes from "./audit/index";
import userRoutes from "./users/index";
import settingsRoutes from "./settings/index";
import guestRoutes from "./guest/index";
import grubRoutes from "./grub/index";

/** Every plain HTTP route plugin (the live WebSocket, routes/api/ws, registers apart). */
export const HTTP_ROUTES = [
  sessionRoutes,
  machineRoutes,
  profileRoutes,
  profileVersionRoutes,
  planRoutes,
  instanceRoutes,
  auditRoutes,
  userRoutes,
  settingsRoutes,
  guestRoutes,
  grubRoutes,
] as const;
