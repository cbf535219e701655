// Admin user management (API.md "Users (admin)").
import type { Role, UserView } from "@tessera/core";
import { request } from "./client";

/** A user as the list shows it: core's wire form. */
export type UserRow = UserView;

const one = (name: string) => `/api/users/${encodeURIComponent(name)}`;

export async function listUsers(): Promise<UserRow[]> {
  return (await request<{ users: UserRow[] }>("GET", "/api/users")).users;
}
export function addUser(name: string, role: Role, password: string): Promise<UserRow> {
  return request<UserRow>("POST", "/api/users", { name, role, password });
}
export function changeRole(name: string, role: Role): Promise<UserRow> {
  return request<UserRow>("PATCH", one(name), { role });
}
export function resetPassword(name: string, password: string): Promise<UserRow> {
  return request<UserRow>("PATCH", one(name), { password });
}
export async function removeUser(name: string): Promise<void> {
  await request("DELETE", one(name));
}
