import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../src/core/index.js";
import { makeInput, makeTarget } from "../test/policy-input.js";
import { createQualityThresholdStrategy } from "./quality-threshold-strategy.js";

const targets = [
  makeTarget("small", { tier: "weak" }),
  makeTarget("gpt", { tier: "strong" }),
  makeTarget("plain"),
  makeTarget("tiny", { tier: "weak" }),
  makeTarget("claude", { tier: "strong" }),
];

const rank = (difficulty: number, threshold?: number) =>
  createQualityThresholdStrategy({ scorer: { score: () => difficulty } })
    .rank?.(makeInput(targets, threshold === undefined ? {} : { route: { qualityThreshold: threshold } }))
    .map((candidate) => candidate.target.id);

describe("quality-threshold strategy", () => {
  it("puts the strong tier first for a request at or above the threshold, the weak tier as fallback", () => {
    expect(rank(0.5)).toEqual(["gpt", "claude", "small", "tiny", "plain"]);
  });

  it("puts the weak tier first for an easy request, the strong tier as fallback", () => {
    expect(rank(0.49)).toEqual(["small", "tiny", "gpt", "claude", "plain"]);
  });

  it("reads the threshold from the route", () => {
    expect(rank(0.7, 0.8)?.[0]).toBe("small");
    expect(rank(0.3, 0.2)?.[0]).toBe("gpt");
  });

  it("scores requests with the heuristic scorer by default", () => {
    const strategy = createQualityThresholdStrategy();
    const first = (request: Partial<ChatRequest>) =>
      strategy.rank?.(makeInput(targets, { request }))[0]?.target.id;
    expect(first({ messages: [{ role: "user", content: "Hi there!" }] })).toBe("small");
    expect(
      first({
        messages: [{ role: "user", content: "Prove that there are infinitely many primes, step by step." }],
      }),
    ).toBe("gpt");
  });

  it("rejects a scorer that returns something other than a number from 0 to 1", () => {
    const strategy = createQualityThresholdStrategy({ scorer: { score: () => Number.NaN } });
    expect(() => strategy.rank?.(makeInput(targets))).toThrow(
      "quality-threshold strategy: the difficulty scorer returned NaN; expected a number from 0 to 1",
    );
  });
});
