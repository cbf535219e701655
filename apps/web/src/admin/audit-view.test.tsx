import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useStore } from "../store";
import { standInAgent } from "../test/stand-in-agent";
import { AuditView } from "./audit-view";
import { auditQuery } from "./audit-actions";

afterEach(() => vi.unstubAllGlobals());

const entries = [
  {
    id: 3,
    at: "2026-11-26T07:02:00.000Z",
    user: "olga",
    action: "instance.result",
    target: "os2",
    instance: "os2",
    profileId: "p1",
    result: "failed",
    detail: "LOADER-FAULT: injected fault",
  },
  {
    id: 2,
    at: "2026-11-26T07:01:00.000Z",
    user: "olga",
    action: "instance.start",
    target: "os2",
    instance: "os2",
    profileId: "p1",
    result: "ok",
    detail: null,
  },
  {
    id: 1,
    at: "2026-11-26T07:00:00.000Z",
    user: "admin",
    action: "session.login",
    target: null,
    instance: null,
    profileId: null,
    result: "ok",
    detail: null,
  },
];

describe("audit page", () => {
  it("lists entries newest first and sends each filter to the agent", async () => {
    useStore.getState().setUser({ name: "admin", role: "admin" });
    useStore.getState().runSetInstances([
      {
        name: "os2",
        index: 2,
        role: "successor",
        state: "stopped",
        reason: null,
        since: null,
        phase: null,
        cpus: [4],
        locked: false,
        lastHeartbeat: null,
        profileVersion: 1,
        phases: [],
        deadline: null,
      },
    ]);
    const agent = standInAgent({
      "GET /api/audit": (r) => {
        const q = new URL(r.path, "http://x").searchParams;
        const list = entries.filter(
          (e) =>
            (!q.get("user") || e.user === q.get("user")) &&
            (!q.get("instance") || e.instance === q.get("instance")) &&
            (!q.get("action") || e.action === q.get("action")),
        );
        return { status: 200, body: { entries: list } };
      },
    });
    render(<AuditView />);
    await waitFor(() => expect(screen.getAllByTestId("audit.row")).toHaveLength(3));
    expect(screen.getAllByTestId("audit.row")[0]!.textContent).toMatch(
      /instance.result.*os2.*failed.*LOADER-FAULT/,
    );
    fireEvent.change(screen.getByTestId("audit.instance"), { target: { value: "os2" } });
    fireEvent.change(screen.getByTestId("audit.action"), { target: { value: "instance.start" } });
    await waitFor(() => expect(screen.getAllByTestId("audit.row")).toHaveLength(1));
    expect(screen.getByTestId("audit.count").textContent).toMatch(/^1 entry/);
    const last = agent.calls[agent.calls.length - 1]!.path;
    expect(last).toMatch(/instance=os2/);
    expect(last).toMatch(/action=instance.start/);
    fireEvent.click(screen.getByTestId("audit.clear"));
    await waitFor(() => expect(screen.getAllByTestId("audit.row")).toHaveLength(3));
  });

  it("turns the time range into ISO times for the agent", () => {
    const q = new URLSearchParams(
      auditQuery({ from: "2026-11-26T07:00:00", to: "not a date", user: "olga" }),
    );
    expect(q.get("from")).toBe(new Date("2026-11-26T07:00:00").toISOString());
    expect(q.get("to")).toBeNull();
    expect(q.get("user")).toBe("olga");
    expect(q.get("limit")).toBe("200");
  });

  it("a viewer without rights for the audit log sees the agent's refusal", async () => {
    standInAgent({
      "GET /api/audit": {
        status: 403,
        body: { error: { code: "FORBIDDEN", message: "Your role may not do this." } },
      },
    });
    render(<AuditView />);
    expect((await screen.findByTestId("audit.error")).textContent).toMatch(/FORBIDDEN/);
  });
});
