// Signing in and out. Failed sign-ins are rate-limited per client address and audited; a
// wrong user name costs the same time as a wrong password. Signing out ends the session's
// live connections. The cookie is the route's business (HTTP); the session is this one's.
import type { SessionInfo } from "@tessera/core";
import { verifyPassword } from "../auth/password";
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
    this.d.audit.record({ user: user.name, action: "session.login", result: "ok" });
    return {
      token: s.token,
      info: { user: { name: user.name, role: user.role }, csrfToken: s.csrf },
    };
  }

  info(session: Session): SessionInfo {
    return { user: { name: session.user, role: session.role }, csrfToken: session.csrf };
  }

  logout(session: Session & { token: string }): void {
    this.d.users.endSession(session.token);
    this.d.hub.closeWhere((c) => c.session === session.token, "logged out");
    this.d.audit.record({ user: session.user, action: "session.logout", result: "ok" });
  }
}
