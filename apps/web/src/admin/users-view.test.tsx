import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useStore } from "../store";
import { standInAgent, type Recorded } from "../test/stand-in-agent";
import { UsersView } from "./users-view";

afterEach(() => vi.unstubAllGlobals());

function agent() {
  const users = [
    { name: "admin", role: "admin", createdAt: "2026-11-26T07:00:00.000Z" },
    { name: "vera", role: "viewer", createdAt: "2026-11-26T07:00:00.000Z" },
    {
      name: "nina",
      role: "viewer",
      createdAt: "2026-11-26T07:00:00.000Z",
      mustChangePassword: true,
    },
  ];
  const patch = (r: Recorded) => {
    const name = decodeURIComponent(r.path.split("/").pop()!);
    const u = users.find((x) => x.name === name)!;
    Object.assign(u, { role: (r.body as { role?: string }).role ?? u.role });
    return { status: 200, body: u };
  };
  return standInAgent({
    "GET /api/users": () => ({ status: 200, body: { users: [...users] } }),
    "POST /api/users": (r) => {
      const b = r.body as { name: string; role: string };
      if (users.some((u) => u.name === b.name))
        return {
          status: 409,
          body: { error: { code: "NAME-TAKEN", message: `${b.name} exists already.` } },
        };
      users.push({ name: b.name, role: b.role, createdAt: "2026-11-26T08:00:00.000Z" });
      return { status: 201, body: users.at(-1) };
    },
    "PATCH /api/users/vera": patch,
    "DELETE /api/users/vera": () => {
      users.splice(
        users.findIndex((u) => u.name === "vera"),
        1,
      );
      return { status: 204 };
    },
    "DELETE /api/users/admin": {
      status: 409,
      body: { error: { code: "LAST-ADMIN", message: "You cannot remove the last admin." } },
    },
  });
}

describe("users page", () => {
  it("is for admins only: others see why", () => {
    useStore.getState().setUser({ name: "olga", role: "operator" });
    render(<UsersView />);
    expect(screen.getByTestId("users.forbidden").textContent).toMatch(
      /only an admin may manage users/,
    );
  });

  it("adds with a role, changes a role, resets a password, removes after asking, and shows refusals", async () => {
    useStore.getState().setUser({ name: "admin", role: "admin" });
    const a = agent();
    render(<UsersView />);
    await screen.findByTestId("users.row-vera");
    // who must still replace a password someone else set, says so
    expect(screen.getByTestId("users.row-nina").textContent).toContain(
      "(must choose a new password at sign-in)",
    );
    expect(screen.queryByTestId("users.must-change-vera")).toBeNull();
    fireEvent.change(screen.getByTestId("users.new-name"), { target: { value: "olga" } });
    fireEvent.change(screen.getByTestId("users.new-role"), { target: { value: "operator" } });
    fireEvent.change(screen.getByTestId("users.new-password"), {
      target: { value: "olga-pw-123" },
    });
    fireEvent.submit(screen.getByTestId("users.add").closest("form")!);
    await screen.findByTestId("users.row-olga");
    expect(a.calls.find((c) => c.method === "POST")!.body).toEqual({
      name: "olga",
      role: "operator",
      password: "olga-pw-123",
    });

    fireEvent.change(screen.getByTestId("users.role-vera"), { target: { value: "operator" } });
    await waitFor(() =>
      expect(screen.getByTestId("users.message").textContent).toBe("vera is now operator."),
    );

    fireEvent.click(screen.getByTestId("users.reset-vera"));
    fireEvent.change(screen.getByTestId("users.new-password-vera"), {
      target: { value: "new-pw-456" },
    });
    fireEvent.submit(screen.getByTestId("users.reset-save-vera").closest("form")!);
    await waitFor(() =>
      expect(screen.getByTestId("users.message").textContent).toMatch(/Password of vera reset/),
    );
    expect(a.calls.filter((c) => c.method === "PATCH").map((c) => c.body)).toEqual([
      { role: "operator" },
      { password: "new-pw-456" },
    ]);

    fireEvent.click(screen.getByTestId("users.remove-vera"));
    expect(screen.getByTestId("confirm.body").textContent).toMatch(/can no longer sign in/);
    fireEvent.click(screen.getByTestId("confirm.ok"));
    await waitFor(() => expect(screen.queryByTestId("users.row-vera")).toBeNull());

    fireEvent.click(screen.getByTestId("users.remove-admin"));
    fireEvent.click(screen.getByTestId("confirm.ok"));
    await waitFor(() =>
      expect(screen.getByTestId("users.message").textContent).toMatch(
        /last admin\. \(LAST-ADMIN\)/,
      ),
    );
  });
});
