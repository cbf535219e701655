// Console users: add, change role or password, remove. Each change is audited here, and a
// changed or removed account's live connections are ended (they reconnect and sign in
// again). The routes and the `tessera user` command both go through this service; the
// command runs in its own process, without the agent's live hub. A password set here for
// someone else is marked `mustChange`: its user has to choose their own at sign-in.
import type { Role, UserView } from "@tessera/core";
import { hashPassword } from "../auth/password";
import type { AuditLog } from "../db/audit";
import type { UserStore } from "../db/users";
import { AgentError } from "../errors";
import type { LiveHub } from "../live/hub";

export interface UserServiceDeps {
  users: UserStore;
  audit: AuditLog;
  /** The agent's live hub; absent in the command line, which has no live connections. */
  hub?: Pick<LiveHub, "closeWhere">;
}

export class UserService {
  constructor(private readonly d: UserServiceDeps) {}

  list(): UserView[] {
    return this.d.users.list();
  }

  /**
   * 409 NAME-TAKEN when the name exists (audited as refused). `mustChange`: the new user has
   * to replace this password at their first sign-in.
   */
  async add(
    by: string,
    name: string,
    role: Role,
    password: string,
    mustChange: boolean,
  ): Promise<UserView> {
    const ok = this.d.users.add(name, role, await hashPassword(password), mustChange);
    this.d.audit.record({
      user: by,
      action: "user.add",
      target: name,
      result: ok ? "ok" : "refused",
      detail: mustChange ? `${role}, must choose a new password` : role,
    });
    if (!ok)
      throw new AgentError("NAME-TAKEN", {
        message: `A user ${JSON.stringify(name)} already exists.`,
      });
    return this.view(name);
  }

  /**
   * A new role and/or password; a new password ends the user's sessions, and with
   * `mustChange` its user has to replace it at their next sign-in.
   */
  async update(
    by: string,
    name: string,
    change: { role?: Role; password?: string; mustChange?: boolean },
  ): Promise<UserView> {
    const store: { role?: Role; hash?: string; mustChange?: boolean } = {};
    if (change.role) store.role = change.role;
    if (change.password) {
      store.hash = await hashPassword(change.password);
      store.mustChange = change.mustChange ?? false;
    }
    const r = this.d.users.update(name, store);
    const changed = [change.role ? "role" : "", change.password ? "password" : ""].filter(Boolean);
    if (change.password && store.mustChange) changed.push("must choose a new password");
    this.d.audit.record({
      user: by,
      action: "user.update",
      target: name,
      result: r,
      detail: changed.join(","),
    });
    this.fail(r);
    // A new password or role takes effect on live connections too: they reconnect.
    this.d.hub?.closeWhere((c) => c.user === name, "account changed");
    return this.view(name);
  }

  remove(by: string, name: string): void {
    const r = this.d.users.remove(name);
    this.d.audit.record({ user: by, action: "user.remove", target: name, result: r });
    this.fail(r);
    this.d.hub?.closeWhere((c) => c.user === name, "account removed");
  }

  private fail(r: "ok" | "not-found" | "last-admin"): void {
    if (r === "not-found") throw new AgentError("USER-NOT-FOUND");
    if (r === "last-admin") throw new AgentError("LAST-ADMIN");
  }

  private view(name: string): UserView {
    const u = this.d.users.list().find((x) => x.name === name);
    if (!u) throw new AgentError("USER-NOT-FOUND");
    return u;
  }
}
