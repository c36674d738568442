import { describe, expect, it } from "vitest";
import { estimateWaitMs, type LimiterLoad } from "./estimate-wait-ms.js";

const idle: LimiterLoad = {
  now: 100_000,
  pausedUntil: 0,
  waiting: 0,
  waitingTokens: 0,
  running: 0,
  windowStartedAt: 100_000,
  requestsUsed: 0,
  tokensUsed: 0,
  averageCallMs: 2000,
};

describe("estimateWaitMs", () => {
  it("expects no wait from an idle limiter", () => {
    expect(estimateWaitMs(idle, { rpm: 10, tpm: 1000, maxConcurrent: 2 }, 500)).toBe(0);
  });

  it("waits out a 429 pause", () => {
    expect(estimateWaitMs({ ...idle, pausedUntil: 103_000 }, {}, 0)).toBe(3000);
  });

  it("waits for the refill when the minute's requests are spent, and a minute more per rpm callers ahead", () => {
    const spent = { ...idle, now: 115_000, requestsUsed: 5 };
    expect(estimateWaitMs(spent, { rpm: 5 }, 0)).toBe(45_000);
    expect(estimateWaitMs({ ...spent, waiting: 5 }, { rpm: 5 }, 0)).toBe(105_000);
  });

  it("counts the tokens of the callers ahead against tpm", () => {
    const load = { ...idle, tokensUsed: 400, waitingTokens: 500 };
    expect(estimateWaitMs(load, { tpm: 1000 }, 100)).toBe(0);
    expect(estimateWaitMs(load, { tpm: 1000 }, 101)).toBe(60_000);
  });

  it("caps a reservation above tpm at tpm, as the limiter does", () => {
    expect(estimateWaitMs(idle, { tpm: 1000 }, 50_000)).toBe(0);
  });

  it("expects one average call length per round of callers beyond maxConcurrent", () => {
    expect(estimateWaitMs({ ...idle, running: 2 }, { maxConcurrent: 2 }, 0)).toBe(2000);
    expect(estimateWaitMs({ ...idle, running: 2, waiting: 2 }, { maxConcurrent: 2 }, 0)).toBe(4000);
  });

  it("reports the longest of the waits", () => {
    const load = { ...idle, pausedUntil: 101_000, running: 4 };
    expect(estimateWaitMs(load, { maxConcurrent: 1 }, 0)).toBe(8000);
  });
});
