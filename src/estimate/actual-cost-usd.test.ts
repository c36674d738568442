import { describe, expect, it } from "vitest";
import { actualCostUsd } from "./actual-cost-usd.js";

const price = { input: 0.15, output: 0.6, cachedInput: 0.075 };

describe("actualCostUsd", () => {
  it("bills cached input tokens at the cached price", () => {
    const usage = { inputTokens: 1000, cachedInputTokens: 800, outputTokens: 100 };
    expect(actualCostUsd(price, usage)).toBeCloseTo((200 * 0.15 + 800 * 0.075 + 100 * 0.6) / 1e6, 12);
  });

  it("bills cached tokens at the input price when the target has no cached price", () => {
    const usage = { inputTokens: 1000, cachedInputTokens: 800, outputTokens: 0 };
    expect(actualCostUsd({ input: 1, output: 2 }, usage)).toBeCloseTo(1000 / 1e6, 12);
  });

  it("never counts more cached tokens than input tokens", () => {
    const usage = { inputTokens: 100, cachedInputTokens: 500, outputTokens: 0 };
    expect(actualCostUsd(price, usage)).toBeCloseTo((100 * 0.075) / 1e6, 12);
  });
});
