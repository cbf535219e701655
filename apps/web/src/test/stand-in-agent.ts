// A test double for the agent's HTTP API in jsdom component tests (jsdom has no agent to
// talk to). It records every request and answers from a table. The real agent is exercised
// by the e2e journeys (e2e/tests/run-*.spec.ts); this is never the only proof.
import { vi } from "vitest";

export interface Recorded {
  method: string;
  path: string;
  body: unknown;
  csrf: string | null;
}

type Reply =
  { status: number; body?: unknown } | ((r: Recorded) => { status: number; body?: unknown });

export function standInAgent(routes: Record<string, Reply>) {
  const calls: Recorded[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = (init?.method ?? "GET").toUpperCase();
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const rec: Recorded = {
      method,
      path: url,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
      csrf: headers["x-csrf-token"] ?? null,
    };
    calls.push(rec);
    const key = `${method} ${url.split("?")[0]}`;
    const reply = routes[key];
    const r =
      typeof reply === "function"
        ? reply(rec)
        : (reply ?? {
            status: 404,
            body: { error: { code: "NOT-FOUND", message: `stand-in: no route ${key}` } },
          });
    return new Response(r.body === undefined ? null : JSON.stringify(r.body), {
      status: r.status,
      headers: { "content-type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetch);
  return { calls, fetch };
}
