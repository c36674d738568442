import type { Usage } from "../../src/core/index.js";

/** The usage object of chat completions; compatible hosts may omit the details. */
export interface WireUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  /** OpenAI's reasoning models count their hidden reasoning here. */
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
}

export function mapUsage(usage: WireUsage | null | undefined): Usage | undefined {
  if (!usage) return undefined;
  const cached = usage.prompt_tokens_details?.cached_tokens;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  return {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    ...(typeof cached === "number" && cached > 0 ? { cachedInputTokens: cached } : {}),
    ...(typeof reasoning === "number" && reasoning > 0 ? { reasoningTokens: reasoning } : {}),
  };
}

/** Groq reports stream usage in `x_groq.usage` rather than a final usage chunk. */
export function usageOf(payload: object): Usage | undefined {
  if ("usage" in payload && payload.usage) return mapUsage(payload.usage as WireUsage);
  if ("x_groq" in payload && typeof payload.x_groq === "object" && payload.x_groq !== null) {
    const groq = payload.x_groq as { usage?: WireUsage };
    return mapUsage(groq.usage);
  }
  return undefined;
}
