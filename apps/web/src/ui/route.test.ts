import { describe, expect, it } from "vitest";
import { formatRoute, parseRoute } from "./route";

describe("the console's place in the URL", () => {
  it("round-trips the tab and the profile, and ignores what it does not know", () => {
    expect(parseRoute(formatRoute({ tab: "run", profile: "p 1" }))).toEqual({
      tab: "run",
      profile: "p 1",
    });
    expect(parseRoute("#tab=nowhere")).toEqual({ tab: null, profile: null });
    expect(parseRoute("")).toEqual({ tab: null, profile: null });
  });
});
