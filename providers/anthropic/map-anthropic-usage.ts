import type { Usage } from "../../src/core/index.js";

/** The usage fields of a Message or a message_delta event (later events may null some out). */
export interface AnthropicWireUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/**
 * Anthropic counts cache reads and cache writes apart from `input_tokens`; the normalized
 * `inputTokens` is every prompt token, with cache reads also reported as `cachedInputTokens`.
 */
export function mapAnthropicUsage(usage: AnthropicWireUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: (usage.input_tokens ?? 0) + cacheRead + cacheWrite,
    outputTokens: usage.output_tokens ?? 0,
    ...(cacheRead > 0 ? { cachedInputTokens: cacheRead } : {}),
  };
}

/** Later usage fields win when present: message_delta repeats or corrects message_start's. */
export function mergeAnthropicUsage(
  earlier: AnthropicWireUsage,
  later: AnthropicWireUsage,
): AnthropicWireUsage {
  const merged: AnthropicWireUsage = { ...earlier };
  for (const key of [
    "input_tokens",
    "output_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
  ] as const) {
    const value = later[key];
    if (typeof value === "number") merged[key] = value;
  }
  return merged;
}
