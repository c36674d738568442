import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import type { Usage } from "../../src/core/index.js";
import type { ReplicatePrediction } from "./replicate-prediction.js";

export interface ReplicateUsage {
  usage: Usage;
  /** The model reported no token counts: they were counted here with another model's tokenizer. */
  estimated: boolean;
}

export const estimatedUsageWarning =
  "usage is estimated: the prediction reported no token counts, so they were counted with gpt-tokenizer (o200k_base)";

/**
 * Token counts from the prediction's `metrics` (official language models report
 * `input_token_count` and `output_token_count`), else an estimate over the rendered prompt and
 * the output text.
 */
export function replicateUsage(
  prediction: ReplicatePrediction | undefined,
  promptText: string,
  outputText: string,
): ReplicateUsage {
  const inputTokens = prediction?.metrics?.input_token_count;
  const outputTokens = prediction?.metrics?.output_token_count;
  if (inputTokens !== undefined && outputTokens !== undefined) {
    return { usage: { inputTokens, outputTokens }, estimated: false };
  }
  return {
    usage: {
      inputTokens: inputTokens ?? countTokens(promptText),
      outputTokens: outputTokens ?? countTokens(outputText),
    },
    estimated: true,
  };
}
