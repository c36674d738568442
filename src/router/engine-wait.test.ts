import { describe, expect, it } from "vitest";
import { engineWaitMs } from "./plan-route.js";

describe("a busy local engine's expected wait", () => {
  it("is nothing while a slot is free", () => {
    expect(
      engineWaitMs({ queueDepth: 0, busySlots: 3, slots: 4, decodeTokensPerSec: 400 }, 100),
    ).toBeUndefined();
  });

  it("counts the requests ahead, a slot's worth at a time, at one slot's share of the decode rate", () => {
    // 4 busy slots at 400 tok/s → 100 tok/s each; 5 waiting + this one = 2 rounds of 100 tokens.
    expect(engineWaitMs({ queueDepth: 5, busySlots: 4, slots: 4, decodeTokensPerSec: 400 }, 100)).toBe(2000);
  });

  it("is unknown before the engine has measured its decode rate", () => {
    expect(
      engineWaitMs({ queueDepth: 2, busySlots: 4, slots: 4, decodeTokensPerSec: 0 }, 100),
    ).toBeUndefined();
  });
});
