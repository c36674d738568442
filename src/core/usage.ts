export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from a cache (provider prompt cache or the local engine's prefix reuse). */
  cachedInputTokens?: number;
  /**
   * Of `outputTokens`, those the model spent reasoning, where the provider reports them (OpenAI's
   * `completion_tokens_details.reasoning_tokens`, an AI SDK provider's `outputTokens.reasoning`).
   */
  reasoningTokens?: number;
}
