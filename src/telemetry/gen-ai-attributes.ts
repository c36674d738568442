import type { FinishReason } from "../core/index.js";

/** The tracer's and meter's instrumentation scope. */
export const instrumentationScope = "switchyard-ai";

/** Tags put on a span at most, and characters of each: a request cannot grow a span without bound. */
export const maxSpanTags = 16;
export const maxTagChars = 100;

/**
 * `gen_ai.provider.name` of a provider type: the conventions' well-known value where one applies,
 * else the type itself (`openai-compatible`, `replicate`, `local`).
 */
export function genAiProviderName(type: string | undefined, providerId: string): string {
  return type ?? providerId;
}

/** `gen_ai.response.finish_reasons` spells the reasons the way the OpenAI API does. */
export function genAiFinishReason(reason: FinishReason): string {
  switch (reason) {
    case "tool-calls":
      return "tool_calls";
    case "content-filter":
      return "content_filter";
    default:
      return reason;
  }
}

/** The request's tags, bounded in number and length. */
export function boundedTags(tags: readonly string[] | undefined): string[] | undefined {
  if (!tags || tags.length === 0) return undefined;
  return tags.slice(0, maxSpanTags).map((tag) => tag.slice(0, maxTagChars));
}

/** Token histogram buckets the GenAI metric conventions give. */
export const tokenBuckets = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
/** Duration histogram buckets (seconds) the GenAI metric conventions give. */
export const durationBuckets = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
