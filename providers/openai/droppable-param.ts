/**
 * Request parameters (wire names) an OpenAI-compatible host or a model family may not accept.
 * Listing one in a drop list keeps it off the wire.
 */
export const droppableParams = [
  "temperature",
  "top_p",
  "stop",
  "seed",
  "logprobs",
  "top_logprobs",
  "tools",
  "tool_choice",
  "response_format",
  "parallel_tool_calls",
  "stream_options",
  "user",
  "logit_bias",
  "frequency_penalty",
  "presence_penalty",
  "reasoning_effort",
  "service_tier",
  "store",
  "metadata",
  "prompt_cache_key",
  "safety_identifier",
  "verbosity",
  "top_k",
  "min_p",
  "repetition_penalty",
] as const;

export type DroppableParam = (typeof droppableParams)[number];

/**
 * Parameters that carry a need of the request: dropping them would silently change what the
 * caller gets, so a call that uses one of them on a target that drops it is refused instead of
 * warned about (routing removes such targets earlier through capabilities).
 */
export const needParams: ReadonlySet<DroppableParam> = new Set<DroppableParam>([
  "logprobs",
  "top_logprobs",
  "tools",
  "response_format",
]);

export function isDroppableParam(value: string): value is DroppableParam {
  return (droppableParams as readonly string[]).includes(value);
}
