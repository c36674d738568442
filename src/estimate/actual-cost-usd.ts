import type { Price, Usage } from "../core/index.js";

/**
 * What a finished attempt cost, in US dollars. `usage.inputTokens` includes the cached ones (the
 * OpenAI convention adapters normalize to); those are billed at `cachedInput` when the target
 * sets a cached price, else at the input price.
 */
export function actualCostUsd(price: Price, usage: Usage): number {
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const uncached = usage.inputTokens - cached;
  return (
    (uncached * price.input +
      cached * (price.cachedInput ?? price.input) +
      usage.outputTokens * price.output) /
    1_000_000
  );
}
