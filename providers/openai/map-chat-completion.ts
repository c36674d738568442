import type { ChatCompletion } from "openai/resources/chat/completions";
import type { GenerateResult, ToolCall } from "../../src/core/index.js";
import { createProviderCallError } from "../shared/index.js";
import type { ChatModelSettings } from "./chat-model-settings.js";
import { mapFinishReason } from "./map-finish-reason.js";
import { mapLogprobs } from "./map-logprobs.js";
import { reasoningOf } from "./map-reasoning.js";
import { usageOf } from "./map-usage.js";

export interface CompletionContext {
  settings: ChatModelSettings;
  requestId: string | undefined;
  warnings: string[];
  /** Requested alternatives per token; undefined when log-probs were not asked for. */
  topK: number | undefined;
}

/** A whole chat completion → GenerateResult. Throws invalid_response when it has no choice. */
export function mapChatCompletion(completion: ChatCompletion, context: CompletionContext): GenerateResult {
  const { settings, topK } = context;
  const choice = completion.choices?.[0];
  if (!choice?.message) {
    throw createProviderCallError({
      provider: settings.provider,
      model: settings.model,
      redact: settings.redactor.redact,
      kind: "invalid_response",
      retryable: false,
      detail: "the response has no choices",
      body: completion,
      requestId: context.requestId,
      possiblyBilled: true,
    });
  }
  const { message } = choice;
  const toolCalls: ToolCall[] = (message.tool_calls ?? []).flatMap((call) =>
    call.type === "function"
      ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }]
      : [],
  );
  const logprobs = topK === undefined ? undefined : mapLogprobs(choice);
  const usage = usageOf(completion);
  const reasoning = reasoningOf(message);
  return {
    // A refusal (structured outputs) is the model's answer: surface it as text, flagged by the finish reason.
    text: (message.content ?? "") + (message.refusal ?? ""),
    ...(reasoning ? { reasoning } : {}),
    toolCalls,
    finishReason: message.refusal ? "content-filter" : mapFinishReason(choice.finish_reason),
    ...(usage === undefined ? {} : { usage }),
    ...(logprobs === undefined
      ? {}
      : { logprobs: logprobs.map((entry) => ({ ...entry, topLogprobs: entry.topLogprobs.slice(0, topK) })) }),
    ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
    warnings: context.warnings,
  };
}
