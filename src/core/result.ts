import type { FinishReason } from "./finish-reason.js";
import type { JsonValue } from "./json-schema.js";
import type { TokenLogprob } from "./logprobs.js";
import type { AssistantMessage } from "./messages.js";
import type { RouteTrace } from "./route-trace.js";
import type { Usage } from "./usage.js";

export interface ChatResult {
  text: string;
  /**
   * The model's reasoning, where the provider returns it (Anthropic's thinking, `reasoning_content`
   * of DeepSeek, vLLM and llama.cpp, an AI SDK provider's reasoning); absent otherwise. It is not in
   * `text` nor in `message`, so it is never sent back in a later turn.
   */
  reasoning?: string;
  message: AssistantMessage;
  finishReason: FinishReason;
  /**
   * The answer parsed as JSON, for `responseFormat` `json_schema` (validated against the schema)
   * and `json_object` (an object). Absent for text answers.
   */
  object?: JsonValue;
  usage: Usage;
  /** Cost of every billed or possibly billed attempt of this call, in US dollars. */
  costUsd: number;
  logprobs?: TokenLogprob[];
  route: RouteTrace;
  /** Non-fatal notes, e.g. an optional setting a provider ignores. */
  warnings: string[];
}
