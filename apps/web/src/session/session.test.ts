import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, request, setCsrfToken } from "../api/client";
import { useStore } from "../store";
import { standInAgent } from "../test/stand-in-agent";
import { abandonSession, renewSession, watchSessionExpiry, withSession } from "./expiry";
import { gate, hasRole } from "./gate";

afterEach(() => vi.unstubAllGlobals());

describe("roles", () => {
  it("rank viewer < operator < admin, and say why a control is off", () => {
    expect(hasRole("admin", "operator")).toBe(true);
    expect(hasRole("operator", "operator")).toBe(true);
    expect(hasRole("viewer", "operator")).toBe(false);
    expect(hasRole("operator", "admin")).toBe(false);
    expect(hasRole("someone", "viewer")).toBe(false);
    expect(gate("operator", "operator", "start instances")).toEqual({
      disabled: false,
      reason: null,
    });
    expect(gate("viewer", "operator", "start instances").reason).toBe(
      "You are signed in as a viewer: only an operator or admin may start instances. Ask an admin to change your role.",
    );
    expect(gate("operator", "admin", "manage users").reason).toMatch(
      /^You are signed in as an operator: only an admin may manage users\./,
    );
    expect(gate(null, "admin", "manage users").reason).toMatch(
      /^You are not signed in: only an admin/,
    );
  });
});

describe("session expiry", () => {
  const expired = () => new ApiError(401, "AUTH-REQUIRED", "Sign in first.");

  it("an action that meets AUTH-REQUIRED waits for the sign-in, then runs again", async () => {
    useStore.getState().setUser({ name: "olga", role: "operator" });
    standInAgent({
      "POST /api/session": {
        status: 200,
        body: { user: { name: "olga", role: "operator" }, csrfToken: "t" },
      },
    });
    let calls = 0;
    const done = withSession(async () => {
      calls++;
      if (calls === 1) throw expired();
      return "started";
    });
    await vi.waitFor(() => expect(useStore.getState().sessionExpired).toBe(true));
    expect(await renewSession("olga", "pw")).toBeNull();
    await expect(done).resolves.toBe("started");
    expect(calls).toBe(2);
    expect(useStore.getState().sessionExpired).toBe(false);
  });

  it("signing in as someone else does not replay the first user's action", async () => {
    useStore.getState().setUser({ name: "olga", role: "operator" });
    standInAgent({
      "POST /api/session": {
        status: 200,
        body: { user: { name: "vera", role: "viewer" }, csrfToken: "t" },
      },
    });
    const fn = vi.fn(async () => {
      throw expired();
    });
    const done = withSession(fn);
    await vi.waitFor(() => expect(useStore.getState().sessionExpired).toBe(true));
    await renewSession("vera", "pw");
    await expect(done).rejects.toThrow("Sign in first.");
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("signing in again after an admin's reset gives way to choosing a new password, replaying nothing", async () => {
    useStore.getState().setUser({ name: "olga", role: "operator" });
    standInAgent({
      "POST /api/session": {
        status: 200,
        body: {
          user: { name: "olga", role: "operator" },
          csrfToken: "t",
          mustChangePassword: true,
        },
      },
    });
    const fn = vi.fn(async () => {
      throw expired();
    });
    const done = withSession(fn);
    await vi.waitFor(() => expect(useStore.getState().sessionExpired).toBe(true));
    expect(await renewSession("olga", "reset-by-admin")).toBeNull();
    await expect(done).rejects.toThrow("Sign in first.");
    expect(fn).toHaveBeenCalledTimes(1);
    expect(useStore.getState()).toMatchObject({
      sessionExpired: false,
      sessionStatus: "signed-in",
      mustChangePassword: true,
    });
  });

  it("giving up goes to the sign-in page and fails the waiting action; other errors pass through", async () => {
    useStore.getState().setUser({ name: "olga", role: "operator" });
    const done = withSession(async () => {
      throw expired();
    });
    await vi.waitFor(() => expect(useStore.getState().sessionExpired).toBe(true));
    abandonSession();
    await expect(done).rejects.toThrow("Sign in first.");
    expect(useStore.getState().sessionStatus).toBe("signed-out");
    await expect(
      withSession(async () => Promise.reject(new ApiError(403, "FORBIDDEN", "no"))),
    ).rejects.toThrow("no");
    expect(useStore.getState().sessionExpired).toBe(false);
  });

  it("a request sent before signing in again and answered 401 after it is re-sent, not a new dialog", async () => {
    useStore.getState().setUser({ name: "olga", role: "operator" });
    const unwatch = watchSessionExpiry();
    let answerPlan: (() => void) | null = null;
    const csrfSeen: Array<string | null> = [];
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { "content-type": "application/json" },
      });
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: string, init: RequestInit) => {
        const csrf = (init.headers as Record<string, string>)["x-csrf-token"] ?? null;
        if (url === "/api/session")
          return json(200, { user: { name: "olga", role: "operator" }, csrfToken: "new" });
        csrfSeen.push(csrf);
        if (csrf === "new") return json(200, { ok: true });
        // the old session: held until the sign-in below is through, then refused
        await new Promise<void>((r) => (answerPlan = r));
        return json(401, { error: { code: "AUTH-REQUIRED", message: "Sign in first." } });
      }),
    );
    setCsrfToken("old");
    useStore.getState().setSessionExpired(true);
    const plan = request("POST", "/api/plan", { draft: 1 });
    await vi.waitFor(() => expect(answerPlan).not.toBeNull());
    expect(await renewSession("olga", "pw")).toBeNull();
    answerPlan!();
    await expect(plan).resolves.toEqual({ ok: true });
    expect(csrfSeen).toEqual(["old", "new"]);
    expect(useStore.getState().sessionExpired).toBe(false);
    unwatch();
  });
});
