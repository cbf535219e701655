// Every request the console makes goes through here. The session is a same-origin cookie;
// state-changing requests carry the x-csrf-token the agent handed out at sign-in.
// Errors come back as ApiError with the agent's {code, message, hint, path, ...}.
import {
  parseMachine,
  parseProfile,
  profileToJson,
  type Machine,
  type Profile,
} from "@tessera/core";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly body?: Record<string, unknown>,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let onAuthRequired: (() => void) | null = null;
/** Called when a request other than sign-in finds the session gone (session/expiry.ts). */
export function setAuthRequiredHandler(fn: (() => void) | null): void {
  onAuthRequired = fn;
}
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(
      0,
      "AGENT-UNREACHABLE",
      "The agent cannot be reached.",
      "Check that tessera serve is running.",
    );
  }
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
  }
  if (!res.ok) {
    const err = (json as { error?: Record<string, unknown> } | undefined)?.error;
    if (res.status === 401 && err?.code === "AUTH-REQUIRED" && path !== "/api/session")
      onAuthRequired?.();
    throw new ApiError(
      res.status,
      typeof err?.code === "string" ? err.code : `HTTP-${res.status}`,
      typeof err?.message === "string" ? err.message : res.statusText || "Request failed",
      typeof err?.hint === "string" ? err.hint : undefined,
      err,
    );
  }
  return json as T;
}

export interface User {
  name: string;
  role: string;
}
export interface SessionInfo {
  user: User;
  csrfToken?: string;
}

export async function login(username: string, password: string): Promise<SessionInfo> {
  const s = await request<SessionInfo>("POST", "/api/session", { username, password });
  setCsrfToken(s.csrfToken ?? null);
  return s;
}

export async function getSession(): Promise<SessionInfo | null> {
  try {
    const s = await request<SessionInfo>("GET", "/api/session");
    if (s.csrfToken) setCsrfToken(s.csrfToken);
    return s;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return null;
    throw e;
  }
}

export async function logout(): Promise<void> {
  await request("DELETE", "/api/session");
  setCsrfToken(null);
}

export async function getMachine(): Promise<{ machine: Machine; fingerprint: string }> {
  const r = await request<{ machine: unknown; fingerprint: string }>("GET", "/api/machine");
  const parsed = parseMachine(r.machine);
  if (!parsed.ok) {
    throw new ApiError(
      200,
      "MACHINE-UNREADABLE",
      "The agent sent a machine the console cannot read.",
      parsed.errors.map((e) => `${e.path}: ${e.message}`).join("; "),
    );
  }
  return { machine: parsed.value, fingerprint: r.fingerprint };
}

/** A stored profile as the console holds it. */
export interface ProfileRecord {
  id: string;
  name: string;
  version: number;
  updatedBy: string | null;
  updatedAt: string | null;
  active?: boolean;
  /** The agent's word: the profile was saved for other hardware. */
  fingerprintMismatch?: boolean;
  profile: Profile | null;
}

function toRecord(raw: Record<string, unknown>): ProfileRecord {
  let profile: Profile | null = null;
  if (raw.profile !== undefined) {
    const p = parseProfile(raw.profile);
    if (p.ok) profile = p.value;
  }
  return {
    id: String(raw.id),
    name: String(raw.name ?? profile?.name ?? raw.id),
    version: Number(raw.version ?? 0),
    updatedBy: (raw.updatedBy as string | undefined) ?? null,
    updatedAt: (raw.updatedAt as string | undefined) ?? null,
    active: Boolean(raw.active),
    fingerprintMismatch: Boolean(raw.fingerprintMismatch),
    profile,
  };
}

function unwrapList(r: unknown): Record<string, unknown>[] {
  if (Array.isArray(r)) return r as Record<string, unknown>[];
  const o = r as Record<string, unknown>;
  const list = o.profiles ?? o.items ?? o.versions ?? [];
  return list as Record<string, unknown>[];
}

function unwrapOne(r: unknown): Record<string, unknown> {
  const o = r as Record<string, unknown>;
  return (
    o.profile && typeof o.profile === "object" && "id" in (o.profile as object) ? o.profile : o
  ) as Record<string, unknown>;
}

export async function listProfiles(): Promise<ProfileRecord[]> {
  return unwrapList(await request("GET", "/api/profiles")).map(toRecord);
}
export async function getProfile(id: string): Promise<ProfileRecord> {
  return toRecord(unwrapOne(await request("GET", `/api/profiles/${encodeURIComponent(id)}`)));
}
export async function createProfile(profile: Profile): Promise<ProfileRecord> {
  return toRecord(
    unwrapOne(await request("POST", "/api/profiles", { profile: profileToJson(profile) })),
  );
}
export async function saveProfile(
  id: string,
  baseVersion: number,
  profile: Profile,
): Promise<ProfileRecord> {
  const r = await request("PUT", `/api/profiles/${encodeURIComponent(id)}`, {
    baseVersion,
    profile: profileToJson(profile),
  });
  return toRecord(unwrapOne(r));
}
export async function deleteProfile(id: string): Promise<void> {
  await request("DELETE", `/api/profiles/${encodeURIComponent(id)}`);
}
export async function duplicateProfile(id: string, name: string): Promise<ProfileRecord> {
  return toRecord(
    unwrapOne(await request("POST", `/api/profiles/${encodeURIComponent(id)}/duplicate`, { name })),
  );
}
export async function listVersions(id: string): Promise<ProfileRecord[]> {
  return unwrapList(await request("GET", `/api/profiles/${encodeURIComponent(id)}/versions`)).map(
    (v) => toRecord({ id, ...v }),
  );
}
export async function getVersion(id: string, version: number): Promise<ProfileRecord> {
  const r = unwrapOne(
    await request("GET", `/api/profiles/${encodeURIComponent(id)}/versions/${version}`),
  );
  return toRecord({ id, ...r });
}
export async function activateProfile(id: string): Promise<unknown> {
  return request("POST", `/api/profiles/${encodeURIComponent(id)}/activate`, {});
}

/** The boot plan as the agent makes it (with kernel facts and live state merged in). */
export async function planFromAgent(profile: Profile): Promise<unknown> {
  const res = await request<{ plan: unknown }>("POST", "/api/plan", {
    profile: profileToJson(profile),
  });
  return res.plan;
}

export async function validateOnAgent(
  profile: Profile,
): Promise<{ ok: boolean; diagnostics: unknown[] }> {
  return request("POST", "/api/validate", { profile: profileToJson(profile) });
}
