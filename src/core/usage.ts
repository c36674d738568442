export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from a cache (provider prompt cache or the local engine's prefix reuse). */
  cachedInputTokens?: number;
}
