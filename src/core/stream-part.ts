import type { SwitchyardError } from "./errors/switchyard-error.js";
import type { FinishReason } from "./finish-reason.js";
import type { TokenLogprob } from "./logprobs.js";
import type { ChatResult } from "./result.js";
import type { Usage } from "./usage.js";

export type TextDeltaPart = { type: "text-delta"; text: string };

/**
 * A fragment of the model's reasoning (Anthropic's thinking, `reasoning_content` of DeepSeek, vLLM
 * and llama.cpp, an AI SDK provider's reasoning), streamed before or between the answer's parts.
 * It is not part of the answer's text, and it is never sent back to a model.
 */
export type ReasoningDeltaPart = { type: "reasoning-delta"; text: string };

/** A fragment of a tool call's arguments; `name` comes with the first fragment of each call. */
export type ToolCallDeltaPart = {
  type: "tool-call-delta";
  index: number;
  id?: string;
  name?: string;
  argumentsDelta: string;
};

export type ToolCallPart = { type: "tool-call"; index: number; id: string; name: string; arguments: string };

export type LogprobsPart = { type: "logprobs"; logprobs: TokenLogprob[] };

/** What an adapter reports once its stream is complete. */
export type ProviderFinishPart = {
  type: "finish";
  finishReason: FinishReason;
  /** What the provider billed; omitted when it reported none (the router then counts it). */
  usage?: Usage;
  requestId?: string;
};

/** Parts an adapter yields from `doStream`. Failures are thrown as typed errors, never yielded. */
export type ProviderStreamPart =
  | TextDeltaPart
  | ReasoningDeltaPart
  | ToolCallDeltaPart
  | ToolCallPart
  | LogprobsPart
  | ProviderFinishPart;

/** The router's finish part carries the whole result, route trace included. */
export type FinishPart = { type: "finish"; finishReason: FinishReason; usage: Usage; result: ChatResult };

export type ErrorPart = { type: "error"; error: SwitchyardError };

/** Parts a caller reads from `router.stream()`. The last part is always `finish` or `error`. */
export type StreamPart =
  | TextDeltaPart
  | ReasoningDeltaPart
  | ToolCallDeltaPart
  | ToolCallPart
  | LogprobsPart
  | FinishPart
  | ErrorPart;
