import { describe, expect, it } from "vitest";
import type { StrategyName } from "../src/core/index.js";
import { builtinPolicies } from "./builtin-policies.js";
import { strategyFor } from "./strategy-for.js";
import { makeInput, makeTarget } from "./test/policy-input.js";

describe("builtinPolicies", () => {
  it("lists the filters in pipeline order", () => {
    expect(builtinPolicies().map((policy) => policy.name)).toEqual([
      "privacy",
      "capabilities",
      "health",
      "cost",
      "latency",
      "rate-limit",
    ]);
  });

  it("passes its options to the policies that take them", () => {
    const rateLimit = builtinPolicies({ maxQueueWaitMs: 100 }).find((policy) => policy.name === "rate-limit");
    const input = makeInput([makeTarget("a")], { snapshot: { queueWaitMs: new Map([["a", 500]]) } });
    expect(rateLimit?.filter?.(input)).toHaveLength(1);
  });
});

describe("strategyFor", () => {
  it("returns the ranking policy named by a route's strategy", () => {
    const names: StrategyName[] = ["ordered", "cheapest", "fastest", "weighted", "quality-threshold"];
    expect(names.map((name) => strategyFor(name).name)).toEqual(names);
  });

  it("hands the injected random source to the weighted strategy", () => {
    const targets = [makeTarget("a", { weight: 1 }), makeTarget("b", { weight: 1 })];
    let calls = 0;
    const random = () => (calls++ === 0 ? 0.1 : 0.9);
    const ranked = strategyFor("weighted", { random }).rank?.(makeInput(targets));
    expect(ranked?.map((candidate) => candidate.target.id)).toEqual(["b", "a"]);
  });

  it("hands the injected difficulty scorer to the quality-threshold strategy", () => {
    const targets = [makeTarget("weak", { tier: "weak" }), makeTarget("strong", { tier: "strong" })];
    const strategy = strategyFor("quality-threshold", { difficultyScorer: { score: () => 1 } });
    expect(strategy.rank?.(makeInput(targets))[0]?.target.id).toBe("strong");
  });

  it("rejects an unknown strategy, listing the known ones", () => {
    expect(() => strategyFor("random" as StrategyName)).toThrow(
      'Unknown strategy "random"; expected one of ordered, cheapest, fastest, weighted, quality-threshold',
    );
  });
});
