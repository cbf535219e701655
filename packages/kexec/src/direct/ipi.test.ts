import { describe, expect, it } from "vitest";
import { parkSequence, startSequence, stepArg, x2apicIcr } from "./ipi";

describe("IPI sequence", () => {
  it("start: INIT, 10 ms, STARTUP(vector), 200 us, STARTUP(vector), all to the BSP", () => {
    expect(startSequence(1, 0x80)).toEqual([
      { dest: 1, icrLow: 0x4500, delayAfterUs: 10_000 },
      { dest: 1, icrLow: 0x4680, delayAfterUs: 200 },
      { dest: 1, icrLow: 0x4680, delayAfterUs: 0 },
    ]);
  });

  it("park: INIT to every core of the successor", () => {
    expect(parkSequence([1, 2, 3])).toEqual(
      [1, 2, 3].map((dest) => ({ dest, icrLow: 0x4500, delayAfterUs: 0 })),
    );
  });

  it("helper argument and x2APIC ICR encoding", () => {
    expect(stepArg({ dest: 3, icrLow: 0x4680, delayAfterUs: 200 })).toBe("3:0x4680:200");
    expect(x2apicIcr({ dest: 3, icrLow: 0x4680, delayAfterUs: 0 })).toBe(0x0000000300004680n);
  });

  it("refuses a vector that is not a page below 1 MiB", () => {
    expect(() => startSequence(1, 0x100)).toThrow(/SIPI vector/);
  });
});
