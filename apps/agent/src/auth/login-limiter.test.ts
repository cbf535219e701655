import { describe, expect, it } from "vitest";
import { LoginLimiter } from "./login-limiter";

describe("login limiter", () => {
  it("allows max failures per window, then refuses until they age out", () => {
    let now = 0;
    const l = new LoginLimiter(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(l.allowed("a")).toBe(true);
      l.fail("a");
      now += 1000;
    }
    expect(l.allowed("a")).toBe(false);
    expect(l.allowed("b")).toBe(true);
    now = 60_500; // the first failure (at 0) is out of the window
    expect(l.allowed("a")).toBe(true);
    l.succeed("a");
    expect(l.allowed("a")).toBe(true);
  });
});
