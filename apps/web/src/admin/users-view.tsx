// Admins manage who may use the console: add with a role, change a role, reset a password,
// remove. Every change asks first when it cannot be undone and reports the agent's answer.
import type { Role } from "@tessera/core";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { useStore } from "../store";
import { errorText } from "../ui/error-text";
import { useGate } from "../session/roles";
import { ConfirmDialog, type ConfirmRequest } from "../ui/confirm-dialog";
import {
  ROLES,
  ROLE_MEANING,
  addUser,
  changeRole,
  listUsers,
  removeUser,
  resetPassword,
  type UserRow,
} from "./users-actions";
import "../run/run.css";

export function UsersView() {
  const gate = useGate("admin", "manage users");
  const me = useStore((s) => s.user?.name);
  const [users, setUsers] = useState<UserRow[]>([]);
  const [msg, setMsg] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null);
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [password, setPassword] = useState("");
  const [resetting, setResetting] = useState<string | null>(null);
  const [newPassword, setNewPassword] = useState("");

  const reload = useCallback(async () => {
    try {
      setUsers(await listUsers());
    } catch (e) {
      setMsg({ kind: "error", text: errorText(e).text });
    }
  }, []);
  useEffect(() => {
    if (!gate.disabled) void reload();
  }, [gate.disabled, reload]);

  async function run(what: () => Promise<unknown>, ok: string) {
    try {
      await what();
      setMsg({ kind: "ok", text: ok });
      await reload();
    } catch (e) {
      setMsg({ kind: "error", text: errorText(e).text });
    }
  }
  async function add(e: FormEvent) {
    e.preventDefault();
    await run(
      () => addUser(name, role, password),
      `Added ${name} as ${role}. They choose their own password at their first sign-in.`,
    );
    setName("");
    setPassword("");
  }
  if (gate.disabled)
    return (
      <p className="banner warning" data-testid="users.forbidden">
        {gate.reason}
      </p>
    );
  return (
    <section className="run-view" aria-labelledby="users-h" data-testid="users.view">
      <h2 id="users-h">Users</h2>
      {msg ? (
        <p
          className={`banner ${msg.kind}`}
          role={msg.kind === "error" ? "alert" : "status"}
          data-testid="users.message"
        >
          {msg.text}
        </p>
      ) : null}
      <div className="panel">
        <table className="data" data-testid="users.table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Added</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.name} data-testid={`users.row-${u.name}`}>
                <td>
                  {u.name}
                  {u.name === me ? <span className="muted"> (you)</span> : null}
                  {u.mustChangePassword ? (
                    <span className="muted" data-testid={`users.must-change-${u.name}`}>
                      {" "}
                      (must choose a new password at sign-in)
                    </span>
                  ) : null}
                </td>
                <td>
                  <select
                    aria-label={`Role of ${u.name}`}
                    value={u.role}
                    onChange={(e) =>
                      void run(
                        () => changeRole(u.name, e.target.value as Role),
                        `${u.name} is now ${e.target.value}.`,
                      )
                    }
                    data-testid={`users.role-${u.name}`}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{new Date(u.createdAt).toLocaleDateString()}</td>
                <td className="row">
                  {resetting === u.name ? (
                    <form
                      className="row"
                      onSubmit={(e) => {
                        e.preventDefault();
                        setResetting(null);
                        void run(
                          () => resetPassword(u.name, newPassword),
                          u.name === me
                            ? "Your password is changed."
                            : `Password of ${u.name} reset. Tell them the new one in person: they choose their own at their next sign-in.`,
                        );
                        setNewPassword("");
                      }}
                    >
                      <label className="sr-only" htmlFor={`reset-${u.name}`}>
                        New password for {u.name}
                      </label>
                      <input
                        id={`reset-${u.name}`}
                        type="password"
                        autoComplete="new-password"
                        placeholder="New password"
                        value={newPassword}
                        onChange={(e) => setNewPassword(e.target.value)}
                        required
                        autoFocus
                        data-testid={`users.new-password-${u.name}`}
                      />
                      <button
                        type="submit"
                        className="primary"
                        data-testid={`users.reset-save-${u.name}`}
                      >
                        Set
                      </button>
                      <button type="button" onClick={() => setResetting(null)}>
                        Cancel
                      </button>
                    </form>
                  ) : (
                    <button
                      onClick={() => setResetting(u.name)}
                      data-testid={`users.reset-${u.name}`}
                    >
                      Reset password
                    </button>
                  )}
                  <button
                    className="danger"
                    onClick={() =>
                      setConfirm({
                        title: `Remove ${u.name}?`,
                        lines: [
                          `${u.name} can no longer sign in; sessions they have open end.`,
                          "Their entries in the audit log stay.",
                        ],
                        confirm: `Remove ${u.name}`,
                        danger: true,
                        onConfirm: () => void run(() => removeUser(u.name), `Removed ${u.name}.`),
                      })
                    }
                    data-testid={`users.remove-${u.name}`}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form
        className="panel filters"
        style={{ padding: 12 }}
        onSubmit={add}
        aria-labelledby="users-add-h"
      >
        <h3 id="users-add-h" style={{ width: "100%", margin: 0 }}>
          Add a user
        </h3>
        <label className="field">
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            data-testid="users.new-name"
          />
        </label>
        <label className="field">
          Role
          <select
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            data-testid="users.new-role"
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r} — {ROLE_MEANING[r]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Password
          <input
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            data-testid="users.new-password"
          />
        </label>
        <button className="primary" type="submit" data-testid="users.add">
          Add user
        </button>
      </form>
      <ConfirmDialog request={confirm} onClose={() => setConfirm(null)} />
    </section>
  );
}
