// What the "Choose a new password" screen checks before it asks the agent, and how the
// agent's refusals map onto its fields: each problem is said next to the field it is about.
// The agent checks the same rules (API.md "Session"); this only spares a round trip. Pure.
import { PASSWORD_MIN_LENGTH } from "@tessera/core";

export type PasswordField = "currentPassword" | "newPassword" | "repeat";
/** A sentence per field that has a problem; `form` for one that belongs to no field. */
export type PasswordErrors = Partial<Record<PasswordField | "form", string>>;

export function checkPasswordChange(current: string, next: string, repeat: string): PasswordErrors {
  const errors: PasswordErrors = {};
  if (!current) errors.currentPassword = "Enter your current password.";
  if (next.length < PASSWORD_MIN_LENGTH)
    errors.newPassword = `The new password needs at least ${PASSWORD_MIN_LENGTH} characters (it has ${next.length}).`;
  else if (next.length > 1024)
    errors.newPassword = "The new password may have 1024 characters at most.";
  else if (next === current)
    errors.newPassword = "The new password is your current one: choose a different one.";
  if (!errors.newPassword && repeat !== next)
    errors.repeat = "The repeated password differs from the new one: type the same password twice.";
  return errors;
}

/** The agent's refusal (code, message, path) on the field it names. */
export function refusalErrors(code: string, message: string, path?: string): PasswordErrors {
  if (code === "PASSWORD-WRONG" || path === "currentPassword")
    return { currentPassword: `${message} (${code})` };
  if (code === "PASSWORD-UNCHANGED" || path === "newPassword")
    return { newPassword: `${message} (${code})` };
  return { form: `${message} (${code})` };
}
