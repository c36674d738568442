import type { FinishReason, Usage } from "../../src/core/index.js";

/**
 * Replicate reports no finish reason. A model that generated its whole `maxTokens` budget was
 * cut off ("length"); otherwise it stopped on its own. An estimated count is no evidence of a
 * cut-off, so it reads as "stop".
 */
export function finishReasonFor(usage: Usage, estimated: boolean, maxTokens: number): FinishReason {
  return !estimated && usage.outputTokens >= maxTokens ? "length" : "stop";
}
