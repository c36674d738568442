import { describe, expect, it } from "vitest";
import { RetryBudget } from "./retry-budget.js";

describe("RetryBudget", () => {
  it("allows retries while more than half of the bucket is left", () => {
    const budget = new RetryBudget();
    let retries = 0;
    while (budget.canRetry()) {
      budget.onRetry();
      retries += 1;
    }
    expect(retries).toBe(5);
    expect(budget.tokens).toBe(5);
  });

  it("lets one retry through per tenth of a token earned back by successes", () => {
    const budget = new RetryBudget();
    for (let index = 0; index < 5; index++) budget.onRetry();
    expect(budget.canRetry()).toBe(false);
    budget.onSuccess();
    expect(budget.canRetry()).toBe(true);
    budget.onRetry();
    expect(budget.canRetry()).toBe(false);
  });

  it("never holds more than maxTokens nor fewer than zero", () => {
    const budget = new RetryBudget({ maxTokens: 4 });
    for (let index = 0; index < 100; index++) budget.onSuccess();
    expect(budget.tokens).toBe(4);
    for (let index = 0; index < 100; index++) budget.onRetry();
    expect(budget.tokens).toBe(0);
  });

  it("keeps retries under 20% of traffic during a full outage", () => {
    const budget = new RetryBudget();
    let calls = 0;
    let retries = 0;
    for (let request = 0; request < 1000; request++) {
      calls += 1;
      budget.onRetry();
      while (budget.canRetry()) {
        calls += 1;
        retries += 1;
        budget.onRetry();
      }
    }
    expect(retries / calls).toBeLessThanOrEqual(0.2);
  });

  it("rejects a bucket that could never allow a retry", () => {
    expect(() => new RetryBudget({ maxTokens: 0 })).toThrow(/maxTokens must be a positive number, got 0/);
  });
});
