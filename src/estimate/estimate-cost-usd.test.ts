import { describe, expect, it } from "vitest";
import { estimateCostUsd } from "./estimate-cost-usd.js";

const price = { input: 0.15, output: 0.6, cachedInput: 0.075 };

describe("estimateCostUsd", () => {
  it("prices prompt and output tokens per million", () => {
    expect(estimateCostUsd(price, 1_000_000, 0)).toBeCloseTo(0.15, 12);
    expect(estimateCostUsd(price, 2000, 500)).toBeCloseTo((2000 * 0.15 + 500 * 0.6) / 1e6, 12);
  });

  it("is free for a local target priced at zero", () => {
    expect(estimateCostUsd({ input: 0, output: 0 }, 5000, 5000)).toBe(0);
  });
});
