// When the live connection tries again: after a dropped connection it does, after the
// agent's refusals (4401 session ended, 4403 new password first) it does not, since the
// same connection would be refused again. A stand-in WebSocket class (test double): jsdom
// has no agent; the real socket is in e2e/tests/first-password.spec.ts and run-resume.
import { afterEach, describe, expect, it, vi } from "vitest";
import { connectSocket, disconnectSocket } from "./socket";

class StandInSocket {
  static OPEN = 1;
  static made: StandInSocket[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  constructor(readonly url: string) {
    StandInSocket.made.push(this);
  }
  close() {
    this.readyState = 3;
  }
  /** The agent closed it with `code`. */
  closedBy(code: number) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

afterEach(() => {
  disconnectSocket();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  StandInSocket.made = [];
});

function connect() {
  vi.useFakeTimers();
  vi.stubGlobal("WebSocket", StandInSocket);
  connectSocket({ message: () => {}, status: () => {} });
  expect(StandInSocket.made).toHaveLength(1);
  return StandInSocket.made[0]!;
}

describe("the live connection", () => {
  it("tries again after a dropped connection", () => {
    connect().closedBy(1006);
    vi.advanceTimersByTime(60_000);
    expect(StandInSocket.made).toHaveLength(2);
  });

  it.each([
    [4401, "the session ended"],
    [4403, "a new password must be chosen first"],
  ])("does not try again after %i (%s)", (code) => {
    connect().closedBy(code);
    vi.advanceTimersByTime(60_000);
    expect(StandInSocket.made).toHaveLength(1);
  });
});
