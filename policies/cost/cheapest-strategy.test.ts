import { describe, expect, it } from "vitest";
import { makeInput, makeTarget } from "../test/policy-input.js";
import { cheapestStrategy } from "./cheapest-strategy.js";

describe("cheapest strategy", () => {
  it("ranks by estimated attempt cost, equal costs in route order", () => {
    const targets = ["a", "b", "c", "d"].map((id) => makeTarget(id));
    const input = makeInput(targets, { costs: { a: 0.02, b: 0.001, c: 0.02, d: 0 } });
    expect(cheapestStrategy.rank?.(input).map((candidate) => candidate.target.id)).toEqual([
      "d",
      "b",
      "a",
      "c",
    ]);
  });

  it("does not reorder its input in place", () => {
    const targets = ["a", "b"].map((id) => makeTarget(id));
    const input = makeInput(targets, { costs: { a: 2, b: 1 } });
    cheapestStrategy.rank?.(input);
    expect(input.candidates.map((candidate) => candidate.target.id)).toEqual(["a", "b"]);
  });
});
