// "Choose a new password": shown instead of the console after signing in with a password
// someone else set (the agent's one-time admin password, an admin's reset). The agent
// refuses such a session everything else, so this is the only way on. Each problem is said
// next to its field (password-rules.ts); on success the console opens as after any sign-in.
import { useRef, useState, type FormEvent } from "react";
import { PASSWORD_MIN_LENGTH } from "@tessera/core";
import { useStore } from "../store";
import { choosePassword, signOut } from "./session-actions";
import { checkPasswordChange, type PasswordErrors, type PasswordField } from "./password-rules";

const FIELDS: { key: PasswordField; label: string; auto: string; id: string }[] = [
  { key: "currentPassword", label: "Current password", auto: "current-password", id: "current" },
  { key: "newPassword", label: "New password", auto: "new-password", id: "new" },
  { key: "repeat", label: "Repeat the new password", auto: "new-password", id: "repeat" },
];

export function PasswordChangeView() {
  const name = useStore((s) => s.user?.name ?? "");
  const [values, setValues] = useState<Record<PasswordField, string>>({
    currentPassword: "",
    newPassword: "",
    repeat: "",
  });
  const [errors, setErrors] = useState<PasswordErrors>({});
  const [busy, setBusy] = useState(false);
  const inputs = useRef<Partial<Record<PasswordField, HTMLInputElement | null>>>({});

  function show(found: PasswordErrors) {
    setErrors(found);
    const first = FIELDS.find((f) => found[f.key]);
    if (first) inputs.current[first.key]?.focus();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = checkPasswordChange(values.currentPassword, values.newPassword, values.repeat);
    if (Object.keys(found).length) return show(found);
    setBusy(true);
    const refused = await choosePassword(values.currentPassword, values.newPassword);
    setBusy(false);
    if (refused) show(refused);
  }

  return (
    <main className="login">
      <form
        className="panel"
        onSubmit={submit}
        noValidate
        aria-labelledby="password-h"
        aria-describedby="password-why"
        data-testid="password.form"
      >
        <h1 id="password-h">Choose a new password</h1>
        <p id="password-why">
          You are signed in as <strong>{name}</strong> with a password someone else set (a one-time
          or reset password). Choose your own to open the console; the old one stops working.
        </p>
        {FIELDS.map((f) => (
          <div key={f.key}>
            <label className="field">
              {f.label}
              <input
                ref={(el) => {
                  inputs.current[f.key] = el;
                }}
                type="password"
                autoComplete={f.auto}
                value={values[f.key]}
                onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
                aria-invalid={errors[f.key] ? true : undefined}
                aria-describedby={
                  errors[f.key]
                    ? `password-${f.id}-error`
                    : f.key === "newPassword"
                      ? "password-rule"
                      : undefined
                }
                data-testid={`password.${f.id}`}
              />
            </label>
            {f.key === "newPassword" && !errors.newPassword ? (
              <p className="muted field-note" id="password-rule">
                At least {PASSWORD_MIN_LENGTH} characters, and not the current password.
              </p>
            ) : null}
            {errors[f.key] ? (
              <p
                className="field-error"
                id={`password-${f.id}-error`}
                data-testid={`password.${f.id}-error`}
              >
                {errors[f.key]}
              </p>
            ) : null}
          </div>
        ))}
        {errors.form ? (
          <p className="banner error" role="alert" data-testid="password.error">
            {errors.form}
          </p>
        ) : null}
        <div className="row" style={{ marginTop: 12 }}>
          <button type="button" onClick={() => void signOut()} data-testid="password.sign-out">
            Sign out
          </button>
          <button className="primary" type="submit" disabled={busy} data-testid="password.submit">
            {busy ? "Saving…" : "Set the new password"}
          </button>
        </div>
        <p className="sr-only" role="status" aria-live="polite">
          {Object.values(errors).filter(Boolean).join(" ")}
        </p>
      </form>
    </main>
  );
}
