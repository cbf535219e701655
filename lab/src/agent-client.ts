// A small client of the agent's real HTTP API and WebSocket, as the lab's test and its
// command line use them from the host (through QEMU's forwarded port).
import WebSocket from "ws";

export interface InstanceView {
  name: string;
  state: string;
  reason: string | null;
  phase: string | null;
  cpus: number[];
  lastHeartbeat: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${JSON.stringify(body)}`);
  }
}

export class AgentClient {
  private cookie = "";
  private csrf = "";

  constructor(readonly base: string) {}

  /** Waits until the agent answers HTTP at all (any status). */
  async waitUntilUp(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await fetch(`${this.base}/api/session`, { signal: AbortSignal.timeout(5000) });
        return;
      } catch (e) {
        if (Date.now() > deadline)
          throw new Error(`the agent at ${this.base} did not answer within ${timeoutMs} ms`, {
            cause: e,
          });
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== "GET") headers["x-csrf-token"] = this.csrf;
    if (body !== undefined) headers["content-type"] = "application/json";
    const r = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const setCookie = r.headers.get("set-cookie");
    if (setCookie) this.cookie = setCookie.split(";")[0]!;
    const text = await r.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (!r.ok) throw new ApiError(r.status, parsed, `${method} ${path}`);
    return parsed as T;
  }

  async signIn(username: string, password: string): Promise<void> {
    const s = await this.request<{ csrfToken: string }>("POST", "/api/session", {
      username,
      password,
    });
    this.csrf = s.csrfToken;
  }

  /**
   * Replaces the signed-in user's password (API.md: a printed one-time password must be
   * replaced before the agent answers anything else); the session stays.
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.request("POST", "/api/session/password", { currentPassword, newPassword });
  }

  async instances(): Promise<InstanceView[]> {
    return (await this.request<{ instances: InstanceView[] }>("GET", "/api/instances")).instances;
  }

  async instance(name: string): Promise<InstanceView> {
    const v = (await this.instances()).find((i) => i.name === name);
    if (!v) throw new Error(`the agent lists no instance ${name}`);
    return v;
  }

  /** Polls until `name` is in `state`; fails at once when it lands in failed/unknown instead. */
  async waitForState(name: string, state: string, timeoutMs: number): Promise<InstanceView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await this.instance(name);
      if (v.state === state) return v;
      if (v.state !== state && ["failed", "unknown"].includes(v.state))
        throw new Error(`${name} is ${v.state} (${v.phase}): ${v.reason}`);
      if (Date.now() > deadline)
        throw new Error(
          `${name} did not reach ${state} within ${timeoutMs} ms (it is ${v.state}, phase ${v.phase})`,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Opens the live stream and collects every message; close() when done. */
  openLive(): LiveStream {
    const url = this.base.replace(/^http/, "ws") + "/api/ws";
    const ws = new WebSocket(url, "tessera.ws.v1", {
      headers: { cookie: this.cookie, origin: this.base },
    });
    return new LiveStream(ws);
  }
}

export interface LiveMessage {
  type: string;
  name?: string;
  state?: string;
  at?: string;
  [k: string]: unknown;
}

export class LiveStream {
  readonly messages: LiveMessage[] = [];
  readonly opened: Promise<void>;

  constructor(private readonly ws: WebSocket) {
    ws.on("message", (data) => this.messages.push(JSON.parse(String(data)) as LiveMessage));
    this.opened = new Promise((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
  }

  heartbeats(name: string): LiveMessage[] {
    return this.messages.filter((m) => m.type === "guest-heartbeat" && m.name === name);
  }

  close(): void {
    this.ws.close();
  }
}
