// Signing in and out. Failed sign-ins are rate-limited per client address and audited; a
// wrong user name costs the same time as a wrong password. Signing out ends the session's
// live connections. A user whose password someone else set (users.ts) chooses their own
// here before anything else. The cookie is the route's business (HTTP); the session is this
// one's.
import type { SessionInfo } from "@tessera/core";
import { hashPassword, verifyPassword } from "../auth/password";
import { LoginLimiter } from "../auth/login-limiter";
import type { AuditLog } from "../db/audit";
import type { Session, UserStore } from "../db/users";
import { AgentError } from "../errors";
import type { LiveHub } from "../live/hub";

// A hash of a random password, checked when the user does not exist, so a wrong user name
// costs the same time as a wrong password.
const DUMMY_HASH =
  "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$Xh2bRk1vQ0a8Y2l8sJgYgq9zq5+ZzvK3dY2XbQvUeBs=";

export interface SessionServiceDeps {
  users: UserStore;
  audit: AuditLog;
  hub: Pick<LiveHub, "closeWhere">;
  /** Failed sign-ins allowed per address and minute. */
  loginRateLimit: number;
  sessionTtlMs: number;
}

export class SessionService {
  private readonly limiter: LoginLimiter;

  constructor(private readonly d: SessionServiceDeps) {
    this.limiter = new LoginLimiter(d.loginRateLimit);
  }

  /** The new session's token (for the cookie) and what the client is told. */
  async login(
    username: string,
    password: string,
    address: string,
  ): Promise<{ token: string; info: SessionInfo }> {
    // Per user name and address: behind one proxy, one user's (or a guesser's) failures
    // never lock out another user who types the right password.
    const key = `${address} ${username}`;
    if (!this.limiter.allowed(key)) {
      this.d.audit.record({ user: username, action: "session.login", result: "rate-limited" });
      throw new AgentError("RATE-LIMITED");
    }
    const user = this.d.users.get(username);
    const ok = await verifyPassword(password, user?.hash ?? DUMMY_HASH);
    if (!user || !ok) {
      this.limiter.fail(key);
      this.d.audit.record({ user: username, action: "session.login", result: "failed" });
      throw new AgentError("AUTH-FAILED");
    }
    this.limiter.succeed(key);
    const s = this.d.users.createSession(user.name, this.d.sessionTtlMs);
    this.d.audit.record({
      user: user.name,
      action: "session.login",
      result: "ok",
      ...(user.mustChangePassword ? { detail: "must choose a new password" } : {}),
    });
    return {
      token: s.token,
      info: {
        user: { name: user.name, role: user.role },
        csrfToken: s.csrf,
        mustChangePassword: user.mustChangePassword,
      },
    };
  }

  info(session: Session): SessionInfo {
    return {
      user: { name: session.user, role: session.role },
      csrfToken: session.csrf,
      mustChangePassword: session.mustChangePassword,
    };
  }

  /**
   * The refusal of a request (`target`: method and path) from a session whose user must
   * choose a new password first, on record like every refused access.
   */
  refuseUntilPasswordChanged(session: Session, target: string): AgentError {
    this.d.audit.record({
      user: session.user,
      action: "access.denied",
      target,
      result: "password-change-required",
      detail: `${session.user} must choose a new password first`,
    });
    return new AgentError("PASSWORD-CHANGE-REQUIRED", {
      hint: "Sign in to the console to choose one, or POST /api/session/password with {currentPassword, newPassword}.",
    });
  }

  /**
   * The signed-in user replaces their own password: the current one is checked (a wrong one
   * counts as a failed sign-in for the rate limit: a left-open session must not become a
   * way to guess it), the new one must differ. Ends the user's other sessions and live
   * connections; this session stays, no longer bound to change the password.
   */
  async changePassword(
    session: Session & { token: string },
    current: string,
    next: string,
    address: string,
  ): Promise<SessionInfo> {
    const key = `${address} ${session.user}`;
    const record = (result: string, detail?: string) =>
      this.d.audit.record({
        user: session.user,
        action: "session.password",
        target: session.user,
        result,
        ...(detail ? { detail } : {}),
      });
    if (!this.limiter.allowed(key)) {
      record("rate-limited");
      throw new AgentError("RATE-LIMITED");
    }
    const user = this.d.users.get(session.user);
    if (!user || !(await verifyPassword(current, user.hash))) {
      this.limiter.fail(key);
      record("failed", "wrong current password");
      throw new AgentError("PASSWORD-WRONG", { path: "currentPassword" });
    }
    this.limiter.succeed(key);
    if (next === current) {
      record("refused", "the new password is the current one");
      throw new AgentError("PASSWORD-UNCHANGED", { path: "newPassword" });
    }
    this.d.users.setOwnPassword(session.user, await hashPassword(next), session.token);
    record("ok", user.mustChangePassword ? "replaced a password set by someone else" : undefined);
    this.d.hub.closeWhere(
      (c) => c.user === session.user && c.session !== session.token,
      "password changed",
    );
    return this.info({ ...session, mustChangePassword: false });
  }

  logout(session: Session & { token: string }): void {
    this.d.users.endSession(session.token);
    this.d.hub.closeWhere((c) => c.session === session.token, "logged out");
    this.d.audit.record({ user: session.user, action: "session.logout", result: "ok" });
  }
}
