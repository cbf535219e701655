// Admin user management over /api/users (API.md "Users (admin)").
import * as api from "../api/client";
import { withSession } from "../session/expiry";

export interface UserRow {
  name: string;
  role: string;
  createdAt: string;
}

export const ROLES = ["viewer", "operator", "admin"] as const;

export const ROLE_MEANING: Record<string, string> = {
  viewer: "sees everything, changes nothing",
  operator: "edits profiles, starts and stops instances",
  admin: "operator, plus users and settings",
};

const u = (name: string) => `/api/users/${encodeURIComponent(name)}`;

export async function listUsers(): Promise<UserRow[]> {
  return (await withSession(() => api.request<{ users: UserRow[] }>("GET", "/api/users"))).users;
}
export function addUser(name: string, role: string, password: string): Promise<UserRow> {
  return withSession(() => api.request<UserRow>("POST", "/api/users", { name, role, password }));
}
export function changeRole(name: string, role: string): Promise<UserRow> {
  return withSession(() => api.request<UserRow>("PATCH", u(name), { role }));
}
export function resetPassword(name: string, password: string): Promise<UserRow> {
  return withSession(() => api.request<UserRow>("PATCH", u(name), { password }));
}
export async function removeUser(name: string): Promise<void> {
  await withSession(() => api.request("DELETE", u(name)));
}
