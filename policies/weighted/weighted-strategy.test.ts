import { describe, expect, it } from "vitest";
import { makeInput, makeTarget } from "../test/policy-input.js";
import { createWeightedStrategy } from "./weighted-strategy.js";

/** A small seeded generator (mulberry32), so the test is reproducible. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const targets = [
  makeTarget("heavy", { weight: 6 }),
  makeTarget("medium", { weight: 3 }),
  makeTarget("light", { weight: 1 }),
];

describe("weighted strategy", () => {
  it("puts each target first in proportion to its weight", () => {
    const strategy = createWeightedStrategy({ random: seeded(42) });
    const firsts = new Map<string, number>();
    const rounds = 20_000;
    for (let round = 0; round < rounds; round++) {
      const first = strategy.rank?.(makeInput(targets))[0]?.target.id ?? "";
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    expect((firsts.get("heavy") ?? 0) / rounds).toBeCloseTo(0.6, 1);
    expect((firsts.get("medium") ?? 0) / rounds).toBeCloseTo(0.3, 1);
    expect((firsts.get("light") ?? 0) / rounds).toBeCloseTo(0.1, 1);
  });

  it("gives the same order for the same random sequence", () => {
    const order = (seed: number) =>
      createWeightedStrategy({ random: seeded(seed) })
        .rank?.(makeInput(targets))
        .map((candidate) => candidate.target.id);
    expect(order(7)).toEqual(order(7));
  });

  it("ranks targets of weight 0 last, in route order", () => {
    const zeroes = [makeTarget("off-1", { weight: 0 }), makeTarget("on"), makeTarget("off-2", { weight: 0 })];
    const ranked = createWeightedStrategy({ random: () => 0 }).rank?.(makeInput(zeroes));
    expect(ranked?.map((candidate) => candidate.target.id)).toEqual(["on", "off-1", "off-2"]);
  });

  it("rejects a random source that returns something outside [0, 1]", () => {
    const strategy = createWeightedStrategy({ random: () => 7 });
    expect(() => strategy.rank?.(makeInput(targets))).toThrow(/returned 7; expected a number in \[0, 1\)/);
  });
});
