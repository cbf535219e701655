// The "Choose a new password" screen against a stand-in agent (a test double; the real agent
// is in e2e/tests/first-password.spec.ts): what it checks itself, where the agent's refusals
// land, and that the console is not loaded before the password is chosen.
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { useStore } from "../store";
import { standInAgent } from "../test/stand-in-agent";
import { PasswordChangeView } from "./password-change-view";
import { checkPasswordChange, refusalErrors } from "./password-rules";
import { signIn } from "./session-actions";

afterEach(() => vi.unstubAllGlobals());

const admin = { name: "admin", role: "admin" };

describe("password rules", () => {
  it("name the field that is wrong", () => {
    expect(checkPasswordChange("", "long-enough", "long-enough")).toEqual({
      currentPassword: "Enter your current password.",
    });
    expect(checkPasswordChange("old-password", "short", "short").newPassword).toBe(
      "The new password needs at least 8 characters (it has 5).",
    );
    expect(checkPasswordChange("same-password", "same-password", "same-password")).toEqual({
      newPassword: "The new password is your current one: choose a different one.",
    });
    expect(checkPasswordChange("old-password", "new-password", "new-passwort")).toEqual({
      repeat: "The repeated password differs from the new one: type the same password twice.",
    });
    expect(checkPasswordChange("old-password", "new-password", "new-password")).toEqual({});
    expect(refusalErrors("PASSWORD-WRONG", "The current password is wrong.")).toEqual({
      currentPassword: "The current password is wrong. (PASSWORD-WRONG)",
    });
    expect(refusalErrors("BODY-INVALID", "Too long.", "newPassword")).toEqual({
      newPassword: "Too long. (BODY-INVALID)",
    });
    expect(refusalErrors("RATE-LIMITED", "Wait.")).toEqual({ form: "Wait. (RATE-LIMITED)" });
  });
});

describe("signing in with a password someone else set", () => {
  it("asks for a new one and loads nothing of the console", async () => {
    const agent = standInAgent({
      "POST /api/session": {
        status: 200,
        body: { user: admin, csrfToken: "t", mustChangePassword: true },
      },
    });
    expect(await signIn("admin", "one-time-pw")).toBeNull();
    expect(useStore.getState().mustChangePassword).toBe(true);
    expect(agent.calls.map((c) => `${c.method} ${c.path}`)).toEqual(["POST /api/session"]);
  });
});

describe("the Choose a new password screen", () => {
  function fill(current: string, next: string, repeat: string) {
    fireEvent.change(screen.getByLabelText("Current password"), { target: { value: current } });
    fireEvent.change(screen.getByLabelText("New password"), { target: { value: next } });
    fireEvent.change(screen.getByLabelText("Repeat the new password"), {
      target: { value: repeat },
    });
    fireEvent.click(screen.getByRole("button", { name: "Set the new password" }));
  }

  it("says a mismatch next to the repeat field, without asking the agent", () => {
    useStore.getState().setUser(admin as never, true);
    const agent = standInAgent({});
    render(<PasswordChangeView />);
    fill("one-time-pw", "admin-chosen-pw", "admin-chosen-px");
    const repeat = screen.getByLabelText("Repeat the new password");
    expect(repeat.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("password.repeat-error").textContent).toMatch(/differs/);
    expect(repeat.getAttribute("aria-describedby")).toBe("password-repeat-error");
    expect(document.activeElement).toBe(repeat);
    expect(agent.calls).toEqual([]);
  });

  it("puts the agent's wrong-current-password refusal on the current field, then opens the console", async () => {
    useStore.getState().setUser(admin as never, true);
    let tries = 0;
    const agent = standInAgent({
      "POST /api/session/password": (r) => {
        tries++;
        const b = r.body as { currentPassword: string };
        return b.currentPassword === "one-time-pw"
          ? { status: 200, body: { user: admin, csrfToken: "t", mustChangePassword: false } }
          : {
              status: 403,
              body: {
                error: {
                  code: "PASSWORD-WRONG",
                  message: "The current password is wrong.",
                  path: "currentPassword",
                },
              },
            };
      },
      "GET /api/machine": { status: 503, body: { error: { code: "X", message: "stand-in" } } },
      "GET /api/profiles": { status: 200, body: { profiles: [] } },
    });
    render(<PasswordChangeView />);
    fill("wrong-guess", "admin-chosen-pw", "admin-chosen-pw");
    await waitFor(() =>
      expect(screen.getByTestId("password.current-error").textContent).toBe(
        "The current password is wrong. (PASSWORD-WRONG)",
      ),
    );
    expect(useStore.getState().mustChangePassword).toBe(true);
    fill("one-time-pw", "admin-chosen-pw", "admin-chosen-pw");
    await waitFor(() => expect(useStore.getState().mustChangePassword).toBe(false));
    expect(tries).toBe(2);
    expect(agent.calls[1]!.body).toEqual({
      currentPassword: "one-time-pw",
      newPassword: "admin-chosen-pw",
    });
    // then the console loads as after any sign-in
    await waitFor(() =>
      expect(agent.calls.map((c) => `${c.method} ${c.path.split("?")[0]}`)).toContain(
        "GET /api/machine",
      ),
    );
  });
});
