import { describe, expect, it } from "vitest";
import { makeInput, makeTarget } from "../test/policy-input.js";
import { orderedStrategy } from "./ordered-strategy.js";

describe("ordered strategy", () => {
  it("ranks candidates in the order the route lists them", () => {
    const [a, b, c] = ["a", "b", "c"].map((id) => makeTarget(id));
    const input = { ...makeInput([c!, a!, b!]), route: makeInput([a!, b!, c!]).route };
    expect(orderedStrategy.rank?.(input).map((candidate) => candidate.target.id)).toEqual(["a", "b", "c"]);
  });
});
