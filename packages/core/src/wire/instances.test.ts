import { describe, expect, it } from "vitest";
import {
  BOOT_PHASES,
  DEADLINED_PHASES,
  DEFAULT_PHASE_DEADLINES_MS,
  phaseOverdueText,
  secondsText,
} from "./instances";

describe("phase deadlines", () => {
  it("has a default for every boot phase but running, each a positive whole number of ms", () => {
    expect([...DEADLINED_PHASES]).toEqual(BOOT_PHASES.filter((p) => p !== "running"));
    expect(Object.keys(DEFAULT_PHASE_DEADLINES_MS)).toEqual([...DEADLINED_PHASES]);
    for (const ms of Object.values(DEFAULT_PHASE_DEADLINES_MS)) {
      expect(Number.isSafeInteger(ms)).toBe(true);
      expect(ms).toBeGreaterThan(0);
    }
  });

  it("reads durations with a tenth below ten seconds and whole seconds above", () => {
    expect(secondsText(300)).toBe("0.3 s");
    expect(secondsText(9_949)).toBe("9.9 s");
    expect(secondsText(45_400)).toBe("45 s");
    expect(secondsText(-20)).toBe("0.0 s");
  });

  it("says which instance looks stuck, in which phase, for how long against its deadline", () => {
    expect(phaseOverdueText("os2", "kernel-booting", 45_200, 30_000)).toBe(
      "os2 looks stuck: kernel-booting has taken 45 s, more than its 30 s deadline. Force-stop it if it does not move on.",
    );
  });
});
