import type { Price } from "../core/index.js";

/** Cost of one attempt in US dollars, from prices per million tokens. */
export function estimateCostUsd(price: Price, promptTokens: number, outputTokens: number): number {
  return (promptTokens * price.input + outputTokens * price.output) / 1_000_000;
}
