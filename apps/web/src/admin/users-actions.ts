// Admin user management over /api/users (API.md "Users (admin)").
import type { Role } from "@tessera/core";
import * as users from "../api/users";
export type { UserRow } from "../api/users";
import { withSession } from "../session/expiry";

export { ROLES } from "@tessera/core";

export const ROLE_MEANING: Record<string, string> = {
  viewer: "sees everything, changes nothing",
  operator: "edits profiles, starts and stops instances",
  admin: "operator, plus users and settings",
};

export const listUsers = () => withSession(users.listUsers);
export const addUser = (name: string, role: Role, password: string) =>
  withSession(() => users.addUser(name, role, password));
export const changeRole = (name: string, role: Role) =>
  withSession(() => users.changeRole(name, role));
export const resetPassword = (name: string, password: string) =>
  withSession(() => users.resetPassword(name, password));
export const removeUser = (name: string) => withSession(() => users.removeUser(name));
